import "server-only";
import { type Executor, getDb } from "@/lib/db";

/**
 * How pages and portal routes read: they name a domain query and its arguments, and lib/ supplies
 * the database. app/ never holds a database handle (a test checks that it never imports one).
 */
export function query<A extends unknown[], R>(read: (db: Executor, ...args: A) => Promise<R>, ...args: A): Promise<R> {
  return read(getDb(), ...args);
}
