export { getTaxCertificatePdf as GET } from "@/lib/api/tax-certificates";
