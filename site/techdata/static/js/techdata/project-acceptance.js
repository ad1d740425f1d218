/* Acceptance form of a project page: posts to POST /api/projects/<n>/acceptance
   (the same service as the REST API) and shows field errors or the outcome.
   It sends the revision the page shows: a decision recorded meanwhile by
   someone else answers 409 with a message to reload (CD-TD Art. 15). */
(function () {
  var button = document.getElementById("record-decision");
  if (!button) return;
  var box = document.getElementById("project-detail");
  function val(id) { var el = document.getElementById(id); return el ? el.value : ""; }
  function cookie(name) {
    var m = document.cookie.match("(^|;)\\s*" + name + "\\s*=\\s*([^;]+)");
    return m ? decodeURIComponent(m.pop()) : "";
  }
  button.addEventListener("click", function () {
    var body = {decision: val("decision"), comment: val("comment")};
    var revision = parseInt(box.dataset.revision, 10);
    if (!isNaN(revision)) body.revision_id = revision;
    if (val("override-reason") || val("override-approver")) {
      body.override = {reason: val("override-reason"), approver: val("override-approver")};
    }
    var errors = document.getElementById("acceptance-errors");
    fetch("/api/projects/" + encodeURIComponent(box.dataset.project) + "/acceptance", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken")},
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        if (res[0] !== 200) {
          errors.style.display = "block";
          errors.textContent = (res[1].errors || []).map(function (e) {
            return e.field + ": " + [].concat(e.messages).join(" ");
          }).join("\n") || res[1].message;
          return;
        }
        errors.style.display = "none";
        document.getElementById("acceptance-form").style.display = "none";
        // labels, not codes (issue 13): the page carries the label of each outcome
        var status = document.getElementById("project-status");
        status.dataset.status = res[1].status;
        status.textContent = status.getAttribute("data-label-" + res[1].status) || res[1].status;
        var done = document.getElementById("acceptance-done");
        var decision = res[1].acceptance.decision;
        done.style.display = "block";
        done.textContent = done.dataset.message + " " +
          (done.getAttribute("data-label-" + decision) || decision);
      })
      .catch(function (err) { errors.style.display = "block"; errors.textContent = String(err); });
  });
})();
