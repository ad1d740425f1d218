// React components of InvenioRDM that this site overrides, by overridable id.
// Capabilities add their overrides here as they need them.
import React from "react";
import { Label } from "semantic-ui-react";

// Labels of our request types in InvenioRDM's request lists and pages
// (issue 13: labels, not codes). Without them an unknown type shows its id
// ("conditional-access"). Chinese and English side by side here: this
// registry runs before the pages' own bundles and must not wait for a
// translation bundle; the language is the page's (<html lang>).
const REQUEST_TYPE_LABELS = {
  "deposit-review": ["汇交审核", "Deposit review"],
  "confidentiality-review": ["保密审查", "Confidentiality review"],
  "conditional-access": ["有条件开放申请", "Conditional access application"],
  "conditional-sharing": ["有条件共享申请", "Conditional sharing application"],
  "opening-application": ["开放申请", "Opening application"],
  "appeal": ["复核申请", "Appeal"],
  "correction": ["数据校核", "Correction report"],
  "data-service": ["数据服务", "Data service"],
};

const isChinese = () => (document.documentElement.lang || "").startsWith("zh");

const requestTypeLabel = ([zh, en]) => {
  const RequestTypeLabel = () => (
    <Label horizontal className="primary theme-secondary" size="small">
      {isChinese() ? zh : en}
    </Label>
  );
  return RequestTypeLabel;
};

export const overriddenComponents = Object.fromEntries(
  Object.entries(REQUEST_TYPE_LABELS).map(([type, labels]) => [
    `RequestTypeLabel.layout.${type}`,
    requestTypeLabel(labels),
  ])
);
