import { CircleCheck, CircleAlert, CircleSlash, Clock, RotateCw, TriangleAlert } from "lucide-react";
import { Badge } from "@/components/ui/badge";

type EndpointState = { status: "enabled" | "disabled"; disabledReason: "manual" | "gone" | "failing" | null; failingSince: Date | null };

/** An endpoint's state: enabled, failing (retrying, not yet disabled), or disabled and why. */
export function EndpointStatusBadge({ endpoint }: { endpoint: EndpointState }) {
  if (endpoint.status === "enabled") {
    return endpoint.failingSince ? (
      <Badge tone="warning">
        <TriangleAlert className="size-3" aria-hidden /> Failing
      </Badge>
    ) : (
      <Badge tone="success">
        <CircleCheck className="size-3" aria-hidden /> Enabled
      </Badge>
    );
  }
  if (endpoint.disabledReason === "gone")
    return (
      <Badge tone="danger">
        <CircleSlash className="size-3" aria-hidden /> Disabled · answered 410
      </Badge>
    );
  if (endpoint.disabledReason === "failing")
    return (
      <Badge tone="danger">
        <CircleSlash className="size-3" aria-hidden /> Disabled · failing 3 days
      </Badge>
    );
  return (
    <Badge tone="neutral">
      <CircleSlash className="size-3" aria-hidden /> Disabled
    </Badge>
  );
}

/** A delivery's state: delivered, queued, retrying (pending after a failed attempt) or failed. */
export function DeliveryStatusBadge({ status, attempts }: { status: "pending" | "delivered" | "failed"; attempts: number }) {
  if (status === "delivered")
    return (
      <Badge tone="success">
        <CircleCheck className="size-3" aria-hidden /> Delivered
      </Badge>
    );
  if (status === "failed")
    return (
      <Badge tone="danger">
        <CircleAlert className="size-3" aria-hidden /> Failed
      </Badge>
    );
  return attempts > 0 ? (
    <Badge tone="warning">
      <RotateCw className="size-3" aria-hidden /> Retrying
    </Badge>
  ) : (
    <Badge tone="neutral">
      <Clock className="size-3" aria-hidden /> Queued
    </Badge>
  );
}

/** The host of an endpoint's URL, to name it in sentences. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
