// Compiles cme's Sass (GOV.UK Frontend + MOJ Frontend) and copies the JavaScript and images the pages use
// into cme/web/static/cme/build/, where Django's static files (and WhiteNoise) serve them. No CDN, no fonts:
// a council service must not use GDS Transport, so the Sass sets a system font stack instead.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "cme", "web", "static", "cme", "build");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "images"), { recursive: true });

const result = sass.compile(join(root, "cme", "web", "assets", "scss", "application.scss"), {
  loadPaths: [modules, root],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
  // GOV.UK Frontend warns about MOJ Frontend's use of its deprecated mixins: their business, not ours.
  logger: sass.Logger.silent,
});
writeFileSync(join(out, "application.css"), result.css);

cpSync(join(modules, "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(modules, "@ministryofjustice", "frontend", "moj", "moj-frontend.min.js"), join(out, "moj-frontend.min.js"));
cpSync(
  join(modules, "accessible-autocomplete", "dist", "accessible-autocomplete.min.js"),
  join(out, "accessible-autocomplete.min.js"),
);
// MOJ Frontend's icons, less the GOV.UK crown: the crown and crest are GOV.UK's alone.
cpSync(join(modules, "@ministryofjustice", "frontend", "moj", "assets", "images"), join(out, "images"), {
  recursive: true,
  filter: (source) => !/crown|crest/.test(source),
});
// Our own favicon.
cpSync(join(root, "cme", "web", "assets", "images"), join(out, "images"), { recursive: true });
console.log(`assets built in ${out}`);
