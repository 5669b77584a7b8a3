"""The flat public API resolves every name it lists."""

import analysis


def test_every_public_name_resolves():
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None, name


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, analysis; print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == \
        ["False", "False"]
