// Filter a long checklist (fieldset[data-filterable]) as the user types; the form works without it.
document.querySelectorAll("fieldset[data-filterable]").forEach(function (fs) {
  var box = fs.querySelector(".multi-filter");
  if (!box) return;
  box.addEventListener("input", function () {
    var q = box.value.trim();
    fs.querySelectorAll(".choices label").forEach(function (label) {
      var item = label.closest("div") || label;
      item.style.display = !q || label.textContent.indexOf(q) !== -1 ? "" : "none";
    });
  });
});
