export { listTaxCertificates as GET } from "@/lib/api/tax-certificates";
