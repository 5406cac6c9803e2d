"use client";

import { ShellErrorView } from "@/components/shell/error-view";

/** Inside the portal's frame, whose <main> it already sits in. */
export default ShellErrorView;
