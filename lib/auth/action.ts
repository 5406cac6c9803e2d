import "server-only";
import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/actions/result";
import { getDb } from "@/lib/db";
import { requestContext, requestOrigin } from "@/lib/http/request-context";
import type { Command, CommandInput } from "./command";
import { withActor } from "./current";

type Revalidation = string | [path: string, type: "layout" | "page"];

interface ActionOptions<R, T> {
  /** Pages whose data the command changed. */
  revalidate?: Revalidation[];
  /** What the browser gets back; nothing when omitted. */
  result?: (value: R) => T;
}

/**
 * A server action running one declared command as the signed-in actor: every refusal, field error
 * and database failure becomes an ActionResult carrying its code. A "use server" file is then one
 * line: `export const renewKeyAction = action(renewKey, { revalidate: ["/keys"] })`.
 */
export function action<C extends Command<unknown, unknown, never>, T = undefined>(
  command: C,
  options: ActionOptions<C extends Command<unknown, infer R, never> ? R : never, T> = {},
): (input: CommandInput<C>) => Promise<ActionResult<T>> {
  const requires = command.definition.requires;
  return async (input) =>
    withActor({ allowWithoutPin: "self" in requires && requires.allowWithoutPin }, async (actor) => {
      const request = { ...(await requestContext()), origin: await requestOrigin() };
      const value = await (command as unknown as Command<unknown, unknown>)(getDb(), actor, input, request);
      const answer = (options.result ? { ok: true, data: options.result(value as never) } : { ok: true }) as ActionResult<T>;
      for (const entry of options.revalidate ?? []) {
        if (typeof entry === "string") revalidatePath(entry);
        else revalidatePath(...entry);
      }
      return answer;
    });
}
