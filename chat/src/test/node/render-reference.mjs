// The reference rendering of chat templates: @huggingface/jinja, the renderer transformers.js applies them with.
// Usage: node render-reference.mjs JINJA_DIST_INDEX CASES_JSON > RESULTS_JSON
// CASES_JSON: [{"template": "...", "variables": {...}, "now": epochMillis}]; each result is {"text": "..."} or
// {"error": "..."}. The clock is set to "now" for each case (run with TZ=UTC), so strftime_now is the reference's own.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { Template } = await import(pathToFileURL(process.argv[2]).href);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));
const RealDate = Date;
const results = cases.map(({ template, variables, now }) => {
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [now]));
    }
    static now() {
      return now;
    }
  };
  try {
    return { text: new Template(template).render(variables) };
  } catch (e) {
    return { error: String(e && e.message !== undefined ? e.message : e) };
  } finally {
    globalThis.Date = RealDate;
  }
});
process.stdout.write(JSON.stringify(results));
