/* Forms of the access pages (apply, decide, answer): each <form data-endpoint>
   posts its fields as JSON to the REST endpoint (the same service as the API).
   A submit button with data-action posts to data-endpoint + "/" + action.
   Checkboxes with data-list collect into a list; other checkboxes are booleans;
   inputs with data-type="int" are numbers. Errors are shown in the form's
   .negative.message; on success the page goes to data-redirect ({id}) or reloads.
   Once a form's handler is attached it carries data-ready="1". */
(function () {
  function cookie(name) {
    var m = document.cookie.match("(^|;)\\s*" + name + "\\s*=\\s*([^;]+)");
    return m ? decodeURIComponent(m.pop()) : "";
  }
  function collect(form) {
    var body = {};
    form.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (!el.name) return;
      if (el.type === "checkbox") {
        if (el.dataset.list !== undefined) {
          body[el.name] = body[el.name] || [];
          if (el.checked) body[el.name].push(el.value);
        } else {
          body[el.name] = el.checked;
        }
      } else if (el.value !== "") {
        body[el.name] = el.dataset.type === "int" ? parseInt(el.value, 10) : el.value;
      }
    });
    return body;
  }
  function send(form, action) {
    var url = form.dataset.endpoint + (action ? "/" + action : "");
    var errors = form.querySelector(".negative.message");
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken")},
      body: JSON.stringify(collect(form))
    }).then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        if (res[0] >= 300) {
          errors.style.display = "block";
          errors.textContent = (res[1].errors || []).map(function (e) {
            return e.field + ": " + e.messages.join(" ");
          }).join("\n") || res[1].message;
          return;
        }
        var next = form.dataset.redirect;
        if (next) { window.location.href = next.replace("{id}", res[1].id); }
        else { window.location.reload(); }  // assigning the same href with a #part only scrolls
      })
      .catch(function (err) { errors.style.display = "block"; errors.textContent = String(err); });
  }
  document.querySelectorAll("form[data-endpoint]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = ev.submitter;
      send(form, button && button.dataset.action ? button.dataset.action : "");
    });
    form.dataset.ready = "1";  // handlers attached: a click now posts, never reloads
  });
})();
