// Beside an entry's permalink, a button that copies it. Without JavaScript the permalink is a link.
document.querySelectorAll("a.copy-link").forEach(function (link) {
  if (!navigator.clipboard) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = link.getAttribute("data-copy") || "Copy link";
  var status = document.createElement("span");
  status.setAttribute("role", "status");
  status.className = "copy-status";
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(link.href).then(
      function () { status.textContent = link.getAttribute("data-copied") || "Link copied"; },
      function () { status.textContent = link.getAttribute("data-failed") || "Copying failed: select the link instead"; }
    );
  });
  link.after(" ", button, " ", status);
});
