#!/bin/sh
# Create the virtual environment VENV (if it is not there) and install kfsreport into it,
# editable, with SPEC (`.` for the program, `.[test]` with the test and lint tools).
# Called by the Makefile:  tools/install-python.sh PYTHON VENV SPEC
#
# uv, at the version UV_VERSION (pinned in the Makefile), is installed from PyPI with the
# environment's own pip and then fills the environment: a fresh install takes seconds instead
# of a minute. uv compiles the modules as pip does (--compile-bytecode), so the first command
# after an install does not spend seconds compiling pandas, Altair and WeasyPrint. pip stays
# the fallback: PIP=pip skips uv, and a uv that cannot be installed or
# fails hands over to pip.
set -eu
python=$1
venv=$2
spec=$3
: "${PIP:=uv}"
: "${UV_VERSION:?the Makefile sets UV_VERSION}"
bin=$venv/bin

case "$PIP" in
uv | pip) ;;
*)
	echo "PIP=$PIP känns inte igen. Skriv PIP=uv (standard) eller PIP=pip." >&2
	exit 2
	;;
esac

if [ ! -x "$bin/python" ]; then
	"$python" -m venv "$venv"
fi

with_pip() {
	"$bin/python" -m pip install --quiet --upgrade pip
	"$bin/python" -m pip install --quiet -e "$spec"
}

with_uv() {
	case "$("$bin/uv" --version 2>/dev/null)" in
	"uv $UV_VERSION "* | "uv $UV_VERSION") ;;
	*) "$bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" || return 1 ;;
	esac
	VIRTUAL_ENV=$venv "$bin/uv" pip install --quiet --compile-bytecode --python "$bin/python" -e "$spec"
}

if [ "$PIP" = pip ]; then
	with_pip
elif ! with_uv; then
	echo "uv $UV_VERSION kunde inte installera Pythonpaketen; pip försöker i stället (tar ungefär en minut)." >&2
	with_pip
fi
