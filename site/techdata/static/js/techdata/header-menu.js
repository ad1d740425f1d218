/* The header's "My work" dropdown (issue 13; techdata/header.html).
   Opened and closed here (the instance's static scripts have no access to the
   jQuery of the webpack bundles, and a "ui dropdown" element would also be
   driven by the Semantic UI plugin that invenio_theme starts on every one). Keyboard: Enter, Space or Arrow Down on the toggle opens it and
   focuses the first item; Arrow Up/Down, Home and End move between the items;
   Escape closes it and returns to the toggle; Tab or a click elsewhere closes it. */
(function () {
  var groups = document.querySelectorAll(".techdata-dropdown");
  if (!groups.length) return;

  function items(group) {
    return Array.prototype.slice.call(group.querySelectorAll(".menu > a.item"));
  }

  function toggleOf(group) {
    return group.querySelector(".techdata-dropdown-toggle");
  }

  function isOpen(group) {
    return group.classList.contains("visible");
  }

  function close(group, focusToggle) {
    if (!isOpen(group)) return;
    group.classList.remove("active", "visible");
    group.querySelector(".menu").classList.remove("visible");
    toggleOf(group).setAttribute("aria-expanded", "false");
    if (focusToggle) toggleOf(group).focus();
  }

  function open(group, focusIndex) {
    Array.prototype.forEach.call(groups, function (other) {
      if (other !== group) close(other, false);
    });
    group.classList.add("active", "visible");
    group.querySelector(".menu").classList.add("visible");
    toggleOf(group).setAttribute("aria-expanded", "true");
    var list = items(group);
    if (focusIndex !== undefined && list.length) {
      list[(focusIndex + list.length) % list.length].focus();
    }
  }

  Array.prototype.forEach.call(groups, function (group) {
    var toggle = toggleOf(group);
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      if (isOpen(group)) {
        close(group, false);
      } else {
        // a keyboard "click" (Enter, Space: detail 0) moves into the menu
        open(group, event.detail === 0 ? 0 : undefined);
      }
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        open(group, 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        open(group, -1);
      } else if (event.key === "Escape") {
        close(group, true);
      }
    });
    group.querySelector(".menu").addEventListener("keydown", function (event) {
      var list = items(group);
      var at = list.indexOf(document.activeElement);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        list[(at + 1) % list.length].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        list[(at - 1 + list.length) % list.length].focus();
      } else if (event.key === "Home") {
        event.preventDefault();
        list[0].focus();
      } else if (event.key === "End") {
        event.preventDefault();
        list[list.length - 1].focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation(); // the burger menu closes on Escape too
        close(group, true);
      } else if (event.key === "Tab") {
        close(group, false);
      }
    });
  });

  document.addEventListener("click", function (event) {
    Array.prototype.forEach.call(groups, function (group) {
      if (!group.contains(event.target)) close(group, false);
    });
  });
})();
