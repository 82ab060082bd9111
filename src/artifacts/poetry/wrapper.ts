// The Python program Freshen runs instead of Poetry's own entry point: an address guard, PyPI replaced by the app's index, exact target versions, no sdist builds.

/**
 * Runs Poetry's CLI (`python3 wrapper.py <poetry args>`) after:
 * - refusing any connection whose host resolves to a non-public address, and any plain-HTTP
 *   request, unless the host (or host:port) is in FRESHEN_GUARD_ALLOWED — redirects and file
 *   links on other hosts included (Poetry is Python, so Node's guard cannot be preloaded);
 * - pointing Poetry's built-in PyPI repository at FRESHEN_PYPI_URL, the app's checked index;
 * - offering, for each name in FRESHEN_POETRY_PINS (JSON name → version), only that version, so
 *   `poetry update --lock <name>` lands on exactly the planned release;
 * - never building an sdist (that runs the package's own code): metadata comes from PKG-INFO and
 *   static setup files only;
 * - never resolving a direct reference (file, directory, url, git) a release's metadata names.
 * Fails closed when Poetry's internals are not the ones this was written against.
 */
export const POETRY_WRAPPER = String.raw`
import ipaddress, json, os, socket, sys, urllib.parse

ALLOWED = {h.strip().lower() for h in os.environ.get("FRESHEN_GUARD_ALLOWED", "").split(",") if h.strip()}

def listed(host, port):
    name = str(host).lower().strip("[]")
    name = "[" + name + "]" if ":" in name else name
    return name in ALLOWED or (name + ":" + str(port)) in ALLOWED

def public(address):
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast

_getaddrinfo = socket.getaddrinfo

def guarded_getaddrinfo(host, port, *args, **kwargs):
    answers = _getaddrinfo(host, port, *args, **kwargs)
    if host is None or listed(host, port):
        return answers
    for answer in answers:
        if not public(answer[4][0]):
            raise OSError("freshen: refusing to connect to %s:%s: it resolves to a private, loopback or otherwise non-public address" % (host, port))
    return answers

socket.getaddrinfo = guarded_getaddrinfo

import requests, requests.adapters

_send = requests.adapters.HTTPAdapter.send

def guarded_send(self, request, *args, **kwargs):
    url = urllib.parse.urlsplit(request.url)
    port = url.port or (80 if url.scheme == "http" else 443)
    if url.scheme != "https" and not (url.scheme == "http" and listed(url.hostname or "", port)):
        raise requests.exceptions.ConnectionError("freshen: refusing %s://%s:%s: only https is allowed unless the host is listed as insecure" % (url.scheme, url.hostname, port))
    return _send(self, request, *args, **kwargs)

requests.adapters.HTTPAdapter.send = guarded_send

from poetry.repositories import pypi_repository
from poetry.repositories.repository_pool import RepositoryPool
from poetry.inspection import info as inspection_info
from packaging.utils import canonicalize_name

PYPI_URL = os.environ["FRESHEN_PYPI_URL"]
_pypi_init = pypi_repository.PyPiRepository.__init__

def pypi_init(self, url="", disable_cache=False, fallback=True):
    _pypi_init(self, PYPI_URL, disable_cache, fallback)

pypi_repository.PyPiRepository.__init__ = pypi_init

PINS = {canonicalize_name(k): v for k, v in json.loads(os.environ.get("FRESHEN_POETRY_PINS", "{}")).items()}
_find_packages = RepositoryPool.find_packages

def pinned_find_packages(self, dependency):
    packages = _find_packages(self, dependency)
    pin = PINS.get(canonicalize_name(dependency.name))
    if pin is None:
        return packages
    return [p for p in packages if p.version.text == pin or str(p.version) == pin]

RepositoryPool.find_packages = pinned_find_packages

def refuse_build(path):
    raise inspection_info.PackageInfoError(path, "freshen: building an sdist to read its metadata is refused")

inspection_info.get_pep517_metadata = refuse_build

from poetry.puzzle import provider as puzzle_provider

# The project's own git/path/url dependencies are refused before Poetry runs: any reaching the
# resolver come from a release's metadata (x @ file:///…, git+…), which would read the worker's disk.
def refuse_direct_origin(self, dependency):
    raise RuntimeError("freshen: %s is a direct reference (%s), which Freshen never resolves" % (dependency.name, dependency.source_type))

puzzle_provider.Provider.search_for_direct_origin_dependency = refuse_direct_origin

from poetry.console.application import main
sys.argv[0] = "poetry"
sys.exit(main())
`;
