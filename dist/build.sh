#!/usr/bin/env bash
# Packages staex for users: a self-contained tarball and a .deb, from the built jar.
#
#   dist/build.sh [--jar node/target/staex.jar] [--out dist/target] [--jdk DIR]
#
# Makes in --out:
#   staex-<version>-linux-x86_64.tar.gz   staex-<version>/{bin/staex, staex.jar, runtime/,
#                                         share/man/man1/, share/bash-completion/, NOTICE, ...}
#   staex_<version>_amd64.deb             /usr/bin/staex, /usr/lib/staex/ (the same tree),
#                                         /etc/staex/node.conf, staex.service, the staex user
# The runtime is a jlink image of only the modules the jar uses (jdeps), from --jdk, else
# $STAEX_JDK, else the newest JDK under /usr/lib/jvm, else $JAVA_HOME: the newest because
# the launcher's start-up cache is best there (JDK 25's AOT cache keeps method profiles too,
# JEP 515) and the jar (Java 17 bytecode) runs on any newer one. Man pages come from picocli's
# ManPageGenerator (its jar beside staex.jar, copied there by `mvn package`) through
# asciidoctor; bash completion from picocli.AutoComplete.
# Needs: a JDK with jlink, asciidoctor, dpkg-deb, gzip, tar. The jar is built (mvn package)
# when it is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$root/dist"
jar="$root/node/target/staex.jar"
out="$root/dist/target"
jdk="${STAEX_JDK:-}"
while (($#)); do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    *) echo "usage: $0 [--jar JAR] [--out DIR] [--jdk DIR]" >&2; exit 2 ;;
  esac
done

say() { echo "dist: $*" >&2; }
die() { echo "dist: $*" >&2; exit 1; }

if [[ ! -f "$jar" ]]; then
  command -v mvn >/dev/null || die "$jar is missing and Maven (mvn) is not installed to build it"
  say "building $jar ..."
  (cd "$root" && mvn -B -q -DskipTests -pl node -am package) >&2
fi
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
codegen="$(dirname "$jar")/dist-tools/picocli-codegen.jar"
[[ -f "$codegen" ]] || die "$codegen is missing: run mvn package in node (it copies it there)"
command -v asciidoctor >/dev/null || die "asciidoctor is not installed (apt-get install asciidoctor)"
command -v dpkg-deb >/dev/null || die "dpkg-deb is not installed"

release_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
if [[ -z "$jdk" ]]; then
  best=0
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [[ -x "$d/bin/jlink" && ! -L "$d" ]] || continue
    v="$(release_major "$d")"
    if [[ -n "$v" && "$v" -gt "$best" ]]; then jdk="$d"; best="$v"; fi
  done
  [[ -n "$jdk" ]] || jdk="${JAVA_HOME:-}"
fi
[[ -n "$jdk" && -x "$jdk/bin/jlink" ]] || die "no JDK with jlink found (give one with --jdk DIR)"
major="$(release_major "$jdk")"
((major >= 17)) || die "$jdk is JDK $major; staex needs 17 or newer"
say "runtime from $jdk (JDK $major)"

work="$out/work"
rm -rf "$work"
mkdir -p "$work" "$out"

# Modules: what jdeps finds in the jar (less two, below), plus what is only loaded by name:
# jdk.unsupported (sun.misc.Unsafe and Signal, through reflection in Netty) and, where it is a
# module (an empty one from JDK 22), jdk.crypto.ec (the JDK's EC provider).
modules="$("$jdk/bin/jdeps" -q --ignore-missing-deps --multi-release "$major" \
    --print-module-deps "$jar")"
# Left out, as only code staex never runs reaches them, and java.desktop would bring the X11
# and sound libraries into the package's dependencies: java.desktop (java.beans, for Typesafe
# Config's ConfigBeanFactory) and java.sql (Bouncy Castle's LDAP certificate-store helpers).
# java.xml (logback's config parser, for a user's -Dlogback.configurationFile: the node configures
# logback in code, LogConfigurator) is kept: --print-module-deps left it out as java.sql has it.
modules="$( { tr ',' '\n' <<<"$modules"; echo java.xml; echo jdk.unsupported
    if "$jdk/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then echo jdk.crypto.ec; fi
  } | grep -vx -e java.desktop -e java.sql | sort -u | paste -sd,)"
say "modules: $modules"

name="staex"
tree="$work/tree" # the installed tree: /usr/lib/staex in the .deb, staex-<version>/ in the tarball
mkdir -p "$tree/bin"
if ((major >= 21)); then compress=zip-6; else compress=2; fi
"$jdk/bin/jlink" --add-modules "$modules" --output "$tree/runtime" --strip-debug \
    --no-man-pages --no-header-files --compress="$compress" --generate-cds-archive
install -m 0644 "$jar" "$tree/staex.jar"
install -m 0755 "$dist/staex" "$tree/bin/staex"

version="$("$tree/runtime/bin/java" -jar "$tree/staex.jar" --version | sed -n 's/^staex \(.*\)$/\1/p')"
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die "the jar printed no version (got '$version')"
say "staex $version"

# Man pages: one per command (staex.1, staex-run.1, staex-cert-issue.1 ...).
"$tree/runtime/bin/java" -cp "$jar:$codegen" picocli.codegen.docgen.manpage.ManPageGenerator \
    -d "$work/adoc" io.staex.node.internal.cli.StaexCommand >&2
mkdir -p "$tree/share/man/man1"
for f in "$work/adoc"/*.adoc; do
  asciidoctor -b manpage -a "mansource=staex $version" -a manmanual="staex manual" \
      -D "$tree/share/man/man1" "$f"
done
compgen -G "$tree/share/man/man1/staex.1" >/dev/null || die "no staex.1 made"

# Bash completion.
mkdir -p "$tree/share/bash-completion/completions"
"$tree/runtime/bin/java" -Dpicocli.autocomplete.systemExitOnError -cp "$jar" picocli.AutoComplete \
    --force -n staex -o "$tree/share/bash-completion/completions/staex" \
    io.staex.node.internal.cli.StaexCommand >&2
install -m 0644 "$dist/NOTICE" "$root/README.md" "$dist/node.conf" "$dist/staex.service" "$tree/"
find "$tree" -type d -exec chmod 0755 {} +

# The tarball: staex-<version>/ with bin/staex at its top.
base="$name-$version"
rm -rf "${work:?}/$base"
cp -a "$tree" "$work/$base"
tarball="$out/$base-linux-x86_64.tar.gz"
tar -C "$work" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$base"
say "made $tarball"

# The .deb. Debian orders "0.1.0~SNAPSHOT" before "0.1.0", as Maven does.
debver="${version//-/\~}"
pkg="$work/deb"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib" "$pkg/usr/bin" "$pkg/etc/staex" \
    "$pkg/usr/lib/systemd/system" "$pkg/usr/share/man/man1" \
    "$pkg/usr/share/bash-completion/completions" "$pkg/usr/share/doc/staex"
cp -a "$tree" "$pkg/usr/lib/staex"
mv "$pkg/usr/lib/staex/share/man/man1/"* "$pkg/usr/share/man/man1/"
gzip -9n "$pkg/usr/share/man/man1/"*.1
mv "$pkg/usr/lib/staex/share/bash-completion/completions/staex" "$pkg/usr/share/bash-completion/completions/"
rm -rf "$pkg/usr/lib/staex/share" "$pkg/usr/lib/staex/"{NOTICE,README.md,node.conf,staex.service}
ln -s ../lib/staex/bin/staex "$pkg/usr/bin/staex"
install -m 0644 "$dist/node.conf" "$pkg/etc/staex/node.conf"
install -m 0644 "$dist/staex.service" "$pkg/usr/lib/systemd/system/staex.service"
install -m 0644 "$dist/NOTICE" "$pkg/usr/share/doc/staex/copyright"
install -m 0755 "$dist/debian/postinst" "$dist/debian/prerm" "$dist/debian/postrm" "$pkg/DEBIAN/"
echo /etc/staex/node.conf >"$pkg/DEBIAN/conffiles"
size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
# Depends: the packages of the system libraries the runtime links (as dpkg-shlibdeps would say,
# without versions): libc6 for Temurin's runtime, zlib1g too for Debian's.
depends="$(find "$tree/runtime" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | grep -v "^$tree/" | sort -u \
    | while read -r lib; do
        dpkg -S "$lib" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || true
      done | cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g')"
[[ -n "$depends" ]] || depends="libc6"
say "depends: $depends"
sed -e "s/@VERSION@/$debver/" -e "s/@SIZE@/$size/" -e "s/@JDK@/$major/" -e "s/@DEPENDS@/$depends/" \
    "$dist/debian/control.in" >"$pkg/DEBIAN/control"
find "$pkg" -type d -exec chmod 0755 {} +
deb="$out/${name}_${debver}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$deb" >&2
say "made $deb"
rm -rf "$work"
