// The Chinese ("zh") i18next resources of one InvenioRDM package (issue 13).
//
// `upstream` is the package's generated {lang: {translation}} map, whose
// Simplified Chinese is keyed "zh_CN"; our pages say <html lang="zh">, which
// i18next resolves to "zh" (then the English fallback). `overrides` is our
// catalogue: missing strings, fixes of wrong upstream entries, and texts that
// describe this platform's workflow (a submission goes to deposit review,
// then confidentiality review; it is never "immediately published").
// Empty upstream entries stay absent, so i18next falls back to English only
// where neither catalogue has the string.
export function withChinese(upstream, overrides) {
  const base = (upstream.zh_CN && upstream.zh_CN.translation) || {};
  const zh = {};
  Object.keys(base).forEach((key) => {
    if (base[key]) zh[key] = base[key];
  });
  Object.keys(overrides).forEach((key) => {
    if (overrides[key]) zh[key] = overrides[key];
  });
  return { ...upstream, zh: { translation: zh }, zh_CN: { translation: zh } };
}
