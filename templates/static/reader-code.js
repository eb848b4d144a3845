/* Code blocks: a copy button above each one. It copies the code as plain text: line numbers are
   drawn by CSS and never part of it. Needs reader.js; without scripts the code stays selectable. */
(function () {
  "use strict";

  var reader = window.ArchivistReader;
  var status = null;

  function announcer() {
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      (document.getElementById("article-body") || document.body).appendChild(status);
    }
    return status;
  }

  function codeText(pre) {
    var code = pre.querySelector("code") || pre;
    return code.textContent.replace(/\n$/, "");
  }

  function addCopyButton(block) {
    var pre = block.querySelector("pre.code");
    if (!pre || block.querySelector(".code-block__bar")) { return; }
    var bar = document.createElement("div");
    var button = document.createElement("button");
    bar.className = "code-block__bar";
    button.type = "button";
    button.className = "button button--small button--quiet code-block__copy";
    button.textContent = reader.say("copy");
    button.setAttribute("aria-label", reader.say("copy_code"));
    button.addEventListener("click", function () {
      reader.copy(codeText(pre)).then(function () { reader.confirmCopy(button, announcer()); },
        function () { /* refused: the code stays selectable by hand */ });
    });
    bar.appendChild(button);
    block.insertBefore(bar, pre);
  }

  function start() {
    if (!reader) { return; }
    document.querySelectorAll(".code-block").forEach(addCopyButton);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
