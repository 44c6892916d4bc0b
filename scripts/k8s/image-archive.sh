#!/usr/bin/env bash
# Packs a directory into a one-layer image FROM scratch, as a `docker save` archive (manifest.json,
# the image config and the layer tar), without a daemon or a registry: `ctr images import` and
# `docker load` both read it. The layer is reproducible (sorted names, owner 0, mtime 0), so the
# same directory always gives the same image ID.
#
#   scripts/k8s/image-archive.sh NAME:TAG ROOTFS_DIR OUT.tar ENTRYPOINT [ARG...]
set -euo pipefail

if (($# < 4)); then
  echo "usage: $0 NAME:TAG ROOTFS_DIR OUT.tar ENTRYPOINT [ARG...]" >&2
  exit 2
fi
ref=$1 rootfs=$2 out=$3
shift 3
[[ -d $rootfs ]] || { echo "image-archive: rootfs $rootfs is not a directory" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar --create --file "$work/layer.tar" --directory "$rootfs" --sort=name --numeric-owner \
  --owner=0 --group=0 --mtime=@0 --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
layer_sum=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir "$work/$layer_sum"
mv "$work/layer.tar" "$work/$layer_sum/layer.tar"

json_strings() { # prints its arguments as a JSON array of strings
  local sep='' s
  printf '['
  for s in "$@"; do
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    printf '%s"%s"' "$sep" "$s"
    sep=','
  done
  printf ']'
}

printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/k8s/image-archive.sh"}]}' \
  "$(json_strings "$@")" "$layer_sum" > "$work/config.json"
config_sum=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/$config_sum.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
  "$config_sum" "$ref" "$layer_sum" > "$work/manifest.json"

tar --create --file "$out.tmp" --directory "$work" --sort=name --numeric-owner --owner=0 \
  --group=0 --mtime=@0 manifest.json "$config_sum.json" "$layer_sum"
mv "$out.tmp" "$out"
echo "sha256:$config_sum"
