/* Entity search of the registration and join forms (issue 18): typing in #entity
   asks GET {data-endpoint}?q=...&size=8 (the entities REST, readable by anyone)
   and lists the matches under the field; choosing one puts its credit code (or
   id) into the field, which the server resolves to the entity. */
(function () {
  var box = document.getElementById("entity-search");
  if (!box) return;
  var input = box.querySelector("#entity");
  var list = box.querySelector("#entity-results");
  var timer = null;
  function show(hits) {
    list.textContent = "";
    hits.forEach(function (e) {
      var item = document.createElement("a");
      item.className = "item entity-result";
      item.href = "#";
      item.setAttribute("role", "option");
      item.dataset.value = e.credit_code || e.id;
      item.textContent = e.name_zh + (e.credit_code ? " · " + e.credit_code : "");
      item.addEventListener("click", function (ev) {
        ev.preventDefault();
        input.value = item.dataset.value;
        list.textContent = "";
      });
      list.appendChild(item);
    });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { list.textContent = ""; return; }
    timer = setTimeout(function () {
      fetch(box.dataset.endpoint + "?size=8&q=" + encodeURIComponent(q),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {hits: {hits: []}}; })
        .then(function (j) { show(((j.hits || {}).hits) || []); })
        .catch(function () { list.textContent = ""; });
    }, 250);
  });
})();
