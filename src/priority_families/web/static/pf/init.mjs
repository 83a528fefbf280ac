// Mark the page as scripted (a module script runs only where GOV.UK Frontend is supported), then start it.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
