// Under `next dev`, every request under /api/ goes to the bank API's one dispatcher (lib/api/routes.ts),
// as it does on the production server: the same handlers, 404 and 405 answers.
import { dispatchApi } from "@/lib/api/routes";

export const dynamic = "force-dynamic";

const dispatch = (request: Request) => dispatchApi(request);

export { dispatch as GET, dispatch as HEAD, dispatch as POST, dispatch as PUT, dispatch as PATCH, dispatch as DELETE, dispatch as OPTIONS };
