import type { ApiCaller } from "@/lib/api/authenticate";

type Handler<P> = (request: Request, route: { params: Promise<P> }) => Promise<Response>;

/** Calls a bank API handler as the route would, and reads its JSON. */
export async function call<P>(
  handler: Handler<P>,
  init: { path: string; key?: string; bearer?: string; method?: string; body?: unknown; headers?: Record<string, string>; params?: P },
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key) headers["x-api-key"] = init.key;
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const response = await handler(new Request(`http://bank.test${init.path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body }), {
    params: Promise.resolve((init.params ?? {}) as P),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

export type { ApiCaller };
