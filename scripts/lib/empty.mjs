// Stands in for the `server-only` package in the lean API bundle, which only ever runs on the server.
export {};
