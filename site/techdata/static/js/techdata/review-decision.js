/* Decision form of a review page: posts to the REST decision endpoint
   (the same service as the API), shows field errors or the outcome. */
(function () {
  var form = document.getElementById("decision-form");
  if (!form) return;
  var box = document.getElementById("review-decision");
  function val(id) { var el = document.getElementById(id); return el ? el.value : undefined; }
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
            return e.field + ": " + e.messages.join(" ");
          }).join("\n") || res[1].message;
          return;
        }
        errors.style.display = "none";
        form.style.display = "none";
        document.getElementById("review-status").textContent = res[1].status;
        var done = document.getElementById("decision-done");
        done.style.display = "block";
        done.textContent = done.dataset.message + " " + res[1].status;
      })
      .catch(function (err) {
        var errors = document.getElementById("decision-errors");
        errors.style.display = "block";
        errors.textContent = String(err);
      });
  });
})();
