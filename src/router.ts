// Matches a request's method and path to an operation of the route table, under an optional base path.
// Literal paths win over templated ones (`/customer/bestmatch` before `/customer/{id}`), as OpenAPI says;
// HEAD is served by an operation's GET; and a miss is told apart: no such path (404) or no such method on
// it (405, with every method that would have matched).

export interface RoutedPath {
  /** The spec's path template, e.g. `/customer/{id}`. */
  path: string;
}

interface PathMatcher<R> {
  pattern: RegExp;
  names: string[];
  byMethod: Map<string, R>;
}

export type RouteMatch<R> =
  | { found: true; route: R; pathValues: Record<string, string> }
  | { found: false; status: 404 }
  | { found: false; status: 405; allowed: string[] };

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");

/** `/customer/{id}` → a pattern with one group per parameter. */
function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? (names.push(part.slice(1, -1)), "([^/]+)") : escapeRegExp(part)))
    .join("");
  return { pattern: new RegExp(`^${source}$`), names };
}

/** How literal a path is, to try literal paths first: its segments, each 1 when literal, 0 when templated. */
const literalness = (path: string) => path.split("/").map((segment) => (segment.includes("{") ? 0 : 1));

function moreLiteralFirst(a: string, b: string): number {
  const [x, y] = [literalness(a), literalness(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return y[i]! - x[i]!;
  return y.length - x.length;
}

/** A base path as `/api/v1` (leading slash, none trailing), or "" for none. */
export function normalizeBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? "").replace(/\/+$/, "");
  return trimmed === "" ? "" : trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/**
 * The request path relative to the base path, with repeated slashes and a trailing slash forgiven (an
 * `instanceUrl` registered with a trailing slash makes Khoros call `…/v1//customer`); undefined when the
 * path is outside the base path.
 */
export function relativePath(url: string, basePath: string): string | undefined {
  const queryStart = url.indexOf("?");
  const asSent = queryStart === -1 ? url : url.slice(0, queryStart);
  const path = asSent.includes("//") ? asSent.replace(/\/{2,}/g, "/") : asSent;
  if (basePath !== "" && path !== basePath && !path.startsWith(`${basePath}/`)) return undefined;
  const relative = path.slice(basePath.length);
  return relative.length > 1 && relative.endsWith("/") ? relative.slice(0, -1) : relative || "/";
}

export function createRouter<R extends RoutedPath>(routes: readonly R[], method: (route: R) => string) {
  const byPath = new Map<string, PathMatcher<R>>();
  for (const route of routes) {
    let matcher = byPath.get(route.path);
    if (!matcher) byPath.set(route.path, (matcher = { ...compile(route.path), byMethod: new Map() }));
    matcher.byMethod.set(method(route), route);
  }
  const matchers = [...byPath.entries()].sort(([a], [b]) => moreLiteralFirst(a, b)).map(([, matcher]) => matcher);
  // A literal path's own method is found without a regular expression (most of Khoros's calls are POSTs to one).
  const literal = new Map([...byPath].filter(([path]) => !path.includes("{")));

  /** The route for a method and a path relative to the base path (no query). */
  return function match(requestMethod: string, path: string): RouteMatch<R> {
    const direct = literal.get(path)?.byMethod.get(requestMethod);
    if (direct) return { found: true, route: direct, pathValues: {} };
    const allowed = new Set<string>();
    let pathMatched = false;
    for (const matcher of matchers) {
      const values = matcher.pattern.exec(path);
      if (!values) continue;
      const route =
        matcher.byMethod.get(requestMethod) ?? (requestMethod === "HEAD" ? matcher.byMethod.get("GET") : undefined);
      let pathValues: Record<string, string>;
      try {
        pathValues = Object.fromEntries(matcher.names.map((name, i) => [name, decodeURIComponent(values[i + 1]!)]));
      } catch {
        continue; // a malformed %-escape names nothing
      }
      pathMatched = true;
      if (route) return { found: true, route, pathValues };
      for (const known of matcher.byMethod.keys()) allowed.add(known).add(known === "GET" ? "HEAD" : known);
    }
    return pathMatched ? { found: false, status: 405, allowed: [...allowed].sort() } : { found: false, status: 404 };
  };
}
