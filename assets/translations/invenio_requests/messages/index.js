// Our catalogue for the React strings of invenio_requests (issue 13).
// Upstream keys its Simplified Chinese as "zh_CN", but i18next reads the
// language from <html lang="zh">: without a "zh" entry every React string
// stayed English. This file replaces the collected messages/index.js in the
// build (assets/ is copied over the webpack tree): "zh" = upstream zh_CN
// with our fixes and missing strings (zh/overrides.json) on top.
import { translations as upstream } from "./_generatedTranslations";
import overrides from "./zh/overrides.json";
import { withChinese } from "../../techdata_zh";

export const translations = withChinese(upstream, overrides);
