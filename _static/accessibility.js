// Accessibility fixes for the theme's and the outputs' markup (checked by axe-core in
// tests/site/test_browser.py). Loaded on every page by Jupyter Book (it includes _static/*.js).
(function () {
  "use strict";

  // A control whose aria-label does not contain its visible text confuses speech input
  // (axe: label-content-name-mismatch). Let the visible text name it instead.
  function nameFromContent(root) {
    var selectors = ".search-button__button[aria-label], summary[aria-label]";
    root.querySelectorAll(selectors).forEach(function (el) {
      if (el.innerText && el.innerText.trim()) {
        el.removeAttribute("aria-label");
      }
    });
    // The colour-mode button shows only an icon whose title ("Light", "Dark") is not in the
    // button's label: hide the icons from assistive technology, the label names the button.
    root.querySelectorAll(".theme-switch-button > *").forEach(function (el) {
      el.setAttribute("aria-hidden", "true");
      el.querySelectorAll("title").forEach(function (t) { t.remove(); });
    });
  }

  // ipywidgets sliders render a role="slider" handle without a name: use the widget's label.
  function nameWidgetSliders(root) {
    root.querySelectorAll(".noUi-handle[role='slider']:not([aria-label])").forEach(function (h) {
      var widget = h.closest(".widget-slider, .jupyter-widgets");
      var label = widget && widget.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      h.setAttribute("aria-label", text || "Slider");
    });
  }

  // Figures that a widget's Output draws (rendered from the saved widget state) come without
  // alt text: describe them by the settings the widget's controls show.
  function describeWidgetFigures(root) {
    root.querySelectorAll(".jupyter-widgets img:not([alt])").forEach(function (img) {
      var box = img.closest(".widget-vbox, .widget-container, .widget-interact") ||
        img.closest(".jupyter-widgets");
      var settings = [];
      if (box) {
        box.querySelectorAll(".widget-inline-hbox").forEach(function (row) {
          var label = row.querySelector(".widget-label");
          var value = row.querySelector(".widget-readout, select, input[type='text']");
          var text = value && (value.value !== undefined && value.tagName !== "DIV"
            ? value.value : value.textContent);
          if (label && label.textContent.trim() && text) {
            settings.push(label.textContent.trim() + " " + String(text).trim());
          }
        });
      }
      img.setAttribute("alt", settings.length
        ? "Figure drawn by the interactive explorer for " + settings.join(", ")
        : "Figure drawn by the interactive explorer for the settings of its controls");
    });
  }

  // The book title at the top of the sidebar sits outside any landmark (axe: region): make the
  // sidebar a landmark of its own.
  function sidebarLandmark(root) {
    root.querySelectorAll(".bd-sidebar-primary:not([role])").forEach(function (el) {
      el.setAttribute("role", "complementary");
      el.setAttribute("aria-label", "Book contents");
    });
  }

  function fix() {
    sidebarLandmark(document);
    nameFromContent(document);
    nameWidgetSliders(document);
    describeWidgetFigures(document);
  }

  document.addEventListener("DOMContentLoaded", function () {
    fix();
    new MutationObserver(fix)
      .observe(document.body, {childList: true, subtree: true});
  });
  window.addEventListener("load", fix);
})();
