/* Decision form of a review page: posts to the REST decision endpoint
   (the same service as the API), shows field errors or the outcome. */
(function () {
  var form = document.getElementById("decision-form");
  if (!form) return;
  var box = document.getElementById("review-decision");
  function val(id) { var el = document.getElementById(id); return el ? el.value : undefined; }
  var done = document.getElementById("decision-done");
  function labelsOf(attr) {
    try { return JSON.parse(done.getAttribute(attr) || "{}"); } catch (e) { return {}; }
  }
  var statusLabels = labelsOf("data-status-labels");
  var fieldLabels = labelsOf("data-field-labels");
  // A status is shown by its label, a field by its name: never a code or a
  // prefix such as "custom_fields.cdtd:", "grading.", "override:" or "record:".
  function fieldLabel(field) {
    var key = String(field || "").split(/[.:]/).pop();
    return fieldLabels[key] || "";
  }
  function cookie(name) {
    var m = document.cookie.match("(^|;)\\s*" + name + "\\s*=\\s*([^;]+)");
    return m ? decodeURIComponent(m.pop()) : "";
  }
  form.addEventListener("click", function (ev) {
    var decision = ev.target.getAttribute("data-decision");
    if (!decision) return;
    var body = {decision: decision};
    if (box.dataset.type === "deposit-review") {
      body.comment = val("comment");
      if (decision === "accept") {
        body.grading = {grade: val("grade"), sharing_type: val("sharing_type"),
                        opening_type: val("opening_type"), basis: val("basis")};
      }
    } else {
      body.reasons = val("reasons");
      body.checklist = {};
      form.querySelectorAll("input[type=checkbox]").forEach(function (c) { body.checklist[c.name] = c.checked; });
    }
    fetch("/api/techdata/reviews/" + box.dataset.request + "/decision", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken")},
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        var errors = document.getElementById("decision-errors");
        if (res[0] !== 200) {
          errors.style.display = "block";
          errors.textContent = (res[1].errors || []).map(function (e) {
            var label = fieldLabel(e.field);
            return (label ? label + ": " : "") + e.messages.join(" ");
          }).join("\n") || res[1].message;
          return;
        }
        errors.style.display = "none";
        form.style.display = "none";
        var status = document.getElementById("review-status");
        var label = statusLabels[res[1].status] || res[1].status;
        status.dataset.status = res[1].status;
        status.textContent = label;
        done.style.display = "block";
        done.textContent = done.dataset.message + " " + label;
      })
      .catch(function (err) {
        var errors = document.getElementById("decision-errors");
        errors.style.display = "block";
        errors.textContent = String(err);
      });
  });
})();
