// Compiles cme's Sass (GOV.UK Frontend + MOJ Frontend) and copies the JavaScript and images the pages use
// into cme/web/static/cme/build/, where Django's static files (and WhiteNoise) serve them. No CDN, no fonts:
// a council service must not use GDS Transport, so the Sass sets a system font stack instead.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
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
// The footer's copyright crest is GOV.UK's alone and is not shipped (see the images below); the pages never use the
// class that shows it, so its rules point at no image rather than at a file the build does not have.
const css = result.css.replaceAll(/url\(["']?\/static\/cme\/build\/images\/govuk-crest\.svg["']?\)/g, "none");
writeFileSync(join(out, "application.css"), css);

// Each script with the source map it names: Django's manifest storage (`cme collectstatic` in production) refuses
// the whole collection when a built file refers to one that is not there.
const scripts = [
  join(modules, "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"),
  join(modules, "@ministryofjustice", "frontend", "moj", "moj-frontend.min.js"),
  join(modules, "accessible-autocomplete", "dist", "accessible-autocomplete.min.js"),
];
for (const script of scripts) {
  for (const file of [script, `${script}.map`]) {
    cpSync(file, join(out, basename(file)));
  }
}
// MOJ Frontend's icons, less the GOV.UK crown: the crown and crest are GOV.UK's alone.
cpSync(join(modules, "@ministryofjustice", "frontend", "moj", "assets", "images"), join(out, "images"), {
  recursive: true,
  filter: (source) => !/crown|crest/.test(source),
});
// Our own favicon.
cpSync(join(root, "cme", "web", "assets", "images"), join(out, "images"), { recursive: true });

// Every file a built file refers to (a source map, an image in the CSS) must be in the build: check, as
// collectstatic will, and fail here rather than at a production start.
const staticPrefix = "/static/cme/build/";
const missing = [];
for (const name of readdirSync(out)) {
  if (!/\.(js|css)$/.test(name)) continue;
  const text = readFileSync(join(out, name), "utf8");
  for (const [, target] of text.matchAll(/sourceMappingURL=(\S+)/g)) {
    if (!existsSync(join(out, target))) missing.push(`${name} names ${target}`);
  }
  for (const [, quoted] of text.matchAll(/url\(([^)]*)\)/g)) {
    const target = quoted.replace(/^["']|["']$/g, "");
    if (target.startsWith(staticPrefix) && !existsSync(join(out, target.slice(staticPrefix.length)))) {
      missing.push(`${name} names ${target}`);
    }
  }
}
if (missing.length) {
  console.error(`the build refers to files it does not have:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}
console.log(`assets built in ${out}`);
