// React components of InvenioRDM that this site overrides, by overridable id.
// Capabilities add their overrides here as they need them.
import React from "react";
import { Label } from "semantic-ui-react";
import { i18next } from "@translations/invenio_requests/i18next";

// Labels of our request types in InvenioRDM's request lists and pages
// (issue 13: labels, not codes). Without them an unknown type shows its id
// ("conditional-access"). The texts are msgids of the invenio_requests
// catalogue (assets/translations/invenio_requests/messages/zh/overrides.json).
const REQUEST_TYPE_LABELS = {
  "deposit-review": "Deposit review",
  "confidentiality-review": "Confidentiality review",
  "conditional-access": "Conditional access application",
  "conditional-sharing": "Conditional sharing application",
  "opening-application": "Opening application",
  "appeal": "Appeal",
  "correction": "Correction report",
  "data-service": "Data service",
};

const requestTypeLabel = (text) => {
  const RequestTypeLabel = () => (
    <Label horizontal className="primary theme-secondary" size="small">
      {i18next.t(text)}
    </Label>
  );
  return RequestTypeLabel;
};

export const overriddenComponents = Object.fromEntries(
  Object.entries(REQUEST_TYPE_LABELS).map(([type, text]) => [
    `RequestTypeLabel.layout.${type}`,
    requestTypeLabel(text),
  ])
);
