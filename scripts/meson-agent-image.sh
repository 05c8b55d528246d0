#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# meson-agent-image.sh - the agent image as a build step (meson.build)
#
# usage: scripts/meson-agent-image.sh auto|enabled STAMP BUILD_DIR [OPTIONS...]
#
# Runs build-agent-image.sh BUILD_DIR with OPTIONS (--kernel, --modules).
# With auto a failure (no kernel, no network) is a warning, not a failed
# build: kdh still builds and installs, VM scenarios then skip.  Touches
# STAMP either way so ninja has its output.
set -uo pipefail
mode=$1 stamp=$2 build=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
if ! bash "$here/build-agent-image.sh" "$@" "$build" \
	2> >(grep -v '^W: Download is performed unsandboxed' >&2); then
	if [ "$mode" = enabled ]; then
		echo "meson-agent-image: the agent image could not be built (-Dagent_image=enabled)" >&2
		exit 1
	fi
	echo "meson-agent-image: warning: no agent image; VM scenarios will skip (-Dagent_image=disabled to not try)" >&2
fi
touch "$stamp"
