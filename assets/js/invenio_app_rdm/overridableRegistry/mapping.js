// React components of InvenioRDM that this site overrides, by overridable id.
// Capabilities add their overrides here as they need them.
export const overriddenComponents = {};
