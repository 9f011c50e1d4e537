import { describe, expect, it } from "vitest";
import { formatColumns } from "./columns";

const layout = (names: string[], width: number): string =>
  formatColumns(
    names,
    names.map((n) => n.length),
    width,
  );

describe("ls -C columns (GNU coreutils layout)", () => {
  const root =
    "bin boot core dev etc home lib lib64 media mnt opt proc root run sbin server.js srv sys tmp usr var".split(
      " ",
    );

  it("lays out the bootcamp container's / in two rows on an 80-column terminal", () => {
    expect(layout(root, 80)).toBe(
      "bin   core  etc   lib    media  opt   root  sbin       srv  tmp  var\n" +
        "boot  dev   home  lib64  mnt    proc  run   server.js  sys  usr\n",
    );
  });

  it("uses more rows on a narrow terminal and one name per line when nothing else fits", () => {
    expect(layout(root, 40)).toBe(
      "bin   etc    media  root       srv  var\n" +
        "boot  home   mnt    run        sys\n" +
        "core  lib    opt    sbin       tmp\n" +
        "dev   lib64  proc   server.js  usr\n",
    );
    expect(layout(["aaaaaaaaaa", "bbbbbbbbbb"], 20)).toBe("aaaaaaaaaa\nbbbbbbbbbb\n");
    expect(layout(["aaaaaaaaa", "bbbbbbbbb"], 21)).toBe("aaaaaaaaa  bbbbbbbbb\n");
    expect(layout([], 80)).toBe("");
  });
});
