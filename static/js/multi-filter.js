// Filter a long checklist (fieldset[data-filterable]) as the user types; the form works without it.
document.querySelectorAll("fieldset[data-filterable]").forEach(function (fs) {
  var box = fs.querySelector(".multi-filter");
  if (!box) return;
  box.addEventListener("input", function () {
    var q = box.value.trim();
    // Only the choices (label[for]); a group's heading label has no "for", and
    // hiding the heading's <div> would hide every choice of that group with it.
    fs.querySelectorAll(".choices label[for]").forEach(function (label) {
      label.parentElement.style.display = !q || label.textContent.indexOf(q) !== -1 ? "" : "none";
    });
    // A group heading (such as อำเภอ) shows only while one of its choices does.
    fs.querySelectorAll(".choices label:not([for])").forEach(function (heading) {
      var group = heading.parentElement;
      var shown = Array.prototype.some.call(group.querySelectorAll("label[for]"), function (label) {
        return label.parentElement.style.display !== "none";
      });
      group.style.display = shown ? "" : "none";
    });
  });
});
