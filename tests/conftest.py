"""Every test process and the programs it starts keep the user's profile (keys, trusted
certificates, caches) in a folder of their own, never the developer's."""

import os
import tempfile

_profile = tempfile.mkdtemp(prefix="leye-test-profile-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_profile, "config")
os.environ["XDG_CACHE_HOME"] = os.path.join(_profile, "cache")
