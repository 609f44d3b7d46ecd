"""The release workflow, the Windows installer script and the macOS signing files.

Only Linux builds here, so these hold each file to what the other systems' builds rely
on: the workflow builds, smoke-tests and uploads on every system in that order; the
installer offers its file associations without imposing them and takes its registry
entries away again; the entitlements are the ones QtWebEngine needs under the hardened
runtime; and the macOS scripts parse, and refuse bad input or missing credentials in
one line.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
ISS = ROOT / "packaging" / "windows" / "loupe.iss"
MACOS = ROOT / "packaging" / "macos"
SCRIPTS = sorted(MACOS.glob("*.sh"))
ASSOCIATED = (".csv", ".parquet", ".xlsx")


def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(data, dict)
    return data


def step_index(steps: list[dict[str, Any]], needle: str, start: int = 0) -> int:
    """Index of the first step at or after ``start`` whose ``run`` or ``uses`` holds ``needle``."""
    for index, step in enumerate(steps[start:], start):
        if needle in str(step.get("run", "")) or needle in str(step.get("uses", "")):
            return index
    raise AssertionError(f"no step after #{start} runs or uses {needle!r}")


# --- the workflow -------------------------------------------------------------------------


def test_workflow_runs_on_version_tags_by_hand_and_on_packaging_changes() -> None:
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    triggers = workflow()[True]
    assert triggers["push"]["tags"] == ["v*"]
    assert "workflow_dispatch" in triggers
    assert "packaging/**" in triggers["pull_request"]["paths"]


@pytest.mark.parametrize(
    ("job", "runners", "executable"),
    [
        ("linux", {"ubuntu-24.04"}, "dist/Loupe/loupe"),
        ("windows", {"windows-2022"}, "dist\\Loupe\\loupe.exe"),
        ("macos", {"macos-14", "macos-15-intel"}, "dist/Loupe.app/Contents/MacOS/loupe"),
    ],
)
def test_each_system_builds_then_smoke_tests_then_uploads(
    job: str, runners: set[str], executable: str
) -> None:
    spec = workflow()["jobs"][job]
    matrix = spec.get("strategy", {}).get("matrix", {}).get("include", [])
    assert ({entry["runner"] for entry in matrix} if matrix else {spec["runs-on"]}) == runners
    steps = spec["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    python = steps[step_index(steps, "actions/setup-python@")]["with"]
    assert python["python-version"] == "${{ env.PYTHON_VERSION }}"
    assert workflow()["env"]["PYTHON_VERSION"] == "3.11"
    assert python["cache"] == "pip" and python["cache-dependency-path"] == "requirements/*.lock"

    build = step_index(steps, "python tasks.py package")
    smoke = step_index(steps, f"packaging/smoke.py {executable}", build)
    upload = step_index(steps, "actions/upload-artifact@", smoke)
    assert steps[upload]["with"]["if-no-files-found"] == "error"
    # Nothing is uploaded that was not smoke-tested after its last change.
    assert step_index(steps, "actions/upload-artifact@") == upload


def test_linux_smoke_tests_run_under_xvfb_and_cover_the_tarball_and_the_installed_deb() -> None:
    steps = workflow()["jobs"]["linux"]["steps"]
    smokes = [str(step["run"]) for step in steps if "packaging/smoke.py" in str(step.get("run"))]
    assert len(smokes) == 3
    assert all("xvfb-run -a python packaging/smoke.py" in run for run in smokes)
    deb = step_index(steps, 'apt-get install -y "./dist/loupe_${VERSION}_amd64.deb"')
    assert "apt-get remove -y loupe" in steps[deb]["run"]
    assert step_index(steps, "tar -xzf") < deb < step_index(steps, "actions/upload-artifact@")
    paths = steps[-1]["with"]["path"]
    assert "linux-x86_64.tar.gz" in paths and "_amd64.deb" in paths


def test_windows_makes_installs_smoke_tests_and_uninstalls_the_installer() -> None:
    steps = workflow()["jobs"]["windows"]["steps"]
    runtime = step_index(steps, "msvcp140.dll")
    iscc = step_index(steps, '"/DAppVersion=$env:VERSION" packaging\\windows\\loupe.iss', runtime)
    install = step_index(steps, "/VERYSILENT", iscc)
    script = steps[install]["run"]
    order = ["/TASKS=assoc_csv,assoc_parquet,assoc_xlsx", "packaging/smoke.py", "unins000.exe"]
    positions = [script.index(part) for part in order]
    assert positions == sorted(positions)
    # The uninstall is checked: files, the ProgID and the associations are gone.
    tail = script[positions[-1] :]
    assert "Software\\Classes\\Loupe.Table" in tail and "still opens with Loupe" in tail
    assert install < step_index(steps, "actions/upload-artifact@")
    assert "windows-x86_64-setup.exe" in steps[-1]["with"]["path"]


def test_macos_signs_notarises_then_packs_and_smoke_tests_the_disk_image() -> None:
    spec = workflow()["jobs"]["macos"]
    steps = spec["steps"]
    order = [
        "packaging/smoke.py dist/Loupe.app",
        "import-certificate.sh",
        "sign.sh dist/Loupe.app",
        "notarize.sh dist/Loupe.app",
        "dmg.sh dist/Loupe.app",
        'notarize.sh "$DMG"',
        "hdiutil attach",
        "actions/upload-artifact@",
    ]
    positions = [step_index(steps, part) for part in order]
    assert positions == sorted(positions)
    assert "packaging/smoke.py" in steps[step_index(steps, "hdiutil attach")]["run"]
    assert spec["env"]["MACOS_SIGN_IDENTITY"] == "${{ secrets.MACOS_SIGN_IDENTITY }}"
    for notarise in (positions[3], positions[5]):
        names = set(steps[notarise]["env"])
        assert {"APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD"} <= names
        assert {"APPLE_API_KEY", "APPLE_API_KEY_ID", "APPLE_API_ISSUER"} <= names


def test_only_a_version_tag_publishes_and_only_after_every_system_passed() -> None:
    jobs = workflow()["jobs"]
    release = jobs["release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert {"linux", "windows", "macos"} <= set(release["needs"])
    assert release["permissions"] == {"contents": "write"}
    assert workflow()["permissions"] == {"contents": "read"}


def run_step(job: str, needle: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a workflow step's bash script here, from the repository's root."""
    steps = workflow()["jobs"][job]["steps"]
    script = tmp_path / "step.sh"
    script.write_text(steps[step_index(steps, needle)]["run"])
    return subprocess.run(
        ["bash", "-eo", "pipefail", str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", **env},
        check=False,
    )


def test_the_version_comes_from_pyproject_and_a_tag_must_name_it(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.touch()
    read = run_step("version", "tomllib", tmp_path, GITHUB_OUTPUT=str(output))
    assert read.returncode == 0, read.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert output.read_text() == f"version={version}\n"

    check = run_step(
        "version", "GITHUB_REF_NAME", tmp_path, GITHUB_REF_NAME=f"v{version}", VERSION=version
    )
    assert check.returncode == 0, check.stdout
    wrong = run_step(
        "version", "GITHUB_REF_NAME", tmp_path, GITHUB_REF_NAME="v99.0.0", VERSION=version
    )
    assert wrong.returncode == 1
    assert f"::error::tag v99.0.0 does not match pyproject.toml's version {version}" in wrong.stdout


def test_every_action_is_pinned_to_a_release() -> None:
    uses = [
        step["uses"]
        for job in workflow()["jobs"].values()
        for step in job["steps"]
        if "uses" in step
    ]
    assert uses
    for use in uses:
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", use), use


# --- the Windows installer ----------------------------------------------------------------


def iss_sections() -> dict[str, list[str]]:
    """The script's lines by section, comments and preprocessor lines left out."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text().splitlines():
        line = raw.strip()
        if re.fullmatch(r"\[[A-Za-z]+\]", line):
            current = line[1:-1]
            sections[current] = []
        elif line and not line.startswith((";", "#", "//")):
            sections.setdefault(current, []).append(line)
    return sections


def iss_entry(line: str) -> dict[str, str]:
    """The ``Name: value; Name: value`` parameters of one entry (quotes removed)."""
    fields = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
    return {key: value.strip().strip('"') for key, value in fields}


def test_installer_is_per_user_by_default_with_an_all_users_option() -> None:
    setup = dict(line.split("=", 1) for line in iss_sections()["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert "dialog" in setup["PrivilegesRequiredOverridesAllowed"].split()
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["OutputBaseFilename"] == "loupe-{#AppVersion}-windows-x86_64-setup"
    assert setup["SetupIconFile"] == "{#Dist}\\loupe.ico"
    assert setup["ChangesAssociations"] == "yes"
    assert "#error Pass the version" in ISS.read_text()


def test_installer_offers_associations_and_a_desktop_icon_unchecked() -> None:
    tasks = {entry["Name"]: entry for entry in map(iss_entry, iss_sections()["Tasks"])}
    assert set(tasks) == {"desktopicon", "assoc_csv", "assoc_parquet", "assoc_xlsx"}
    for task in tasks.values():
        assert "unchecked" in task["Flags"].split()
    code = "\n".join(iss_sections()["Code"])
    for ext in ASSOCIATED:
        name = "assoc_" + ext[1:]
        assert f"if WizardIsTaskSelected('{name}') then\nAssociate('{ext}');" in code


def test_installer_lists_loupe_under_open_with_and_the_start_menu() -> None:
    entries = [iss_entry(line) for line in iss_sections()["Registry"]]
    supported = {e["ValueName"] for e in entries if e["Subkey"].endswith("\\SupportedTypes")}
    assert supported == set(ASSOCIATED)
    assert {e["Subkey"] for e in entries if e["Subkey"].endswith("\\OpenWithProgids")} == {
        f"Software\\Classes\\{ext}\\OpenWithProgids" for ext in ASSOCIATED
    }
    assert all(e["ValueName"] == "{#ProgID}" for e in entries if "OpenWithProgids" in e["Subkey"])
    assert any(e["Subkey"] == "Software\\Classes\\{#ProgID}\\shell\\open\\command" for e in entries)
    assert '#define ProgID "Loupe.Table"' in ISS.read_text()
    icons = [iss_entry(line) for line in iss_sections()["Icons"]]
    assert any(i["Name"].startswith("{autoprograms}") and "Tasks" not in i for i in icons)


def test_uninstalling_removes_every_registry_entry_the_installer_made() -> None:
    entries = [iss_entry(line) for line in iss_sections()["Registry"]]
    assert all(e["Root"] == "HKA" for e in entries)
    deleted_keys = [e["Subkey"] for e in entries if "uninsdeletekey" in e.get("Flags", "")]
    for entry in entries:
        flags = entry.get("Flags", "").split()
        removed = "uninsdeletekey" in flags or "uninsdeletevalue" in flags
        under_deleted_key = any(
            entry["Subkey"] == key or entry["Subkey"].startswith(key + "\\") for key in deleted_keys
        )
        assert removed or under_deleted_key, f"uninstall leaves {entry['Subkey']}"
    # The default associations are set in code, so code gives them back on uninstall.
    code = "\n".join(iss_sections()["Code"])
    uninstall = code[code.index("procedure CurUninstallStepChanged") :]
    for ext in ASSOCIATED:
        assert f"Unassociate('{ext}');" in uninstall
    assert "(Current = '{#ProgID}')" in code  # a handler chosen since is left alone


# --- macOS --------------------------------------------------------------------------------


def test_app_entitlements_allow_what_python_and_qt_need_and_no_sandbox() -> None:
    app = plistlib.loads((MACOS / "entitlements.plist").read_bytes())
    assert app == {
        "com.apple.security.cs.allow-jit": True,
        "com.apple.security.cs.allow-unsigned-executable-memory": True,
        "com.apple.security.cs.disable-library-validation": True,
    }


def test_webengine_helper_gets_its_own_entitlements() -> None:
    helper = plistlib.loads((MACOS / "webengine-entitlements.plist").read_bytes())
    assert helper["com.apple.security.cs.allow-jit"] is True
    assert helper["com.apple.security.cs.disable-executable-page-protection"] is True
    # Chromium's own sandbox does not start inside the App Sandbox.
    assert "com.apple.security.app-sandbox" not in helper
    sign = (MACOS / "sign.sh").read_text()
    assert '*/QtWebEngineProcess.app)\n      codesign "${flags[@]}" --entitlements' in sign
    assert "webengine-entitlements.plist" in sign


def test_signing_uses_the_hardened_runtime_and_a_timestamp_and_signs_inside_out() -> None:
    sign = (MACOS / "sign.sh").read_text()
    assert 'flags=(--force --options runtime --timestamp --sign "$identity")' in sign
    # Binaries, then nested bundles deepest first, then the app, then verification.
    order = ["file -b", "sort -rn", '--entitlements "$here/entitlements.plist" "$app"', "--verify"]
    positions = [sign.index(part) for part in order]
    assert positions == sorted(positions)


def test_disk_image_is_compressed_and_links_applications() -> None:
    dmg = (MACOS / "dmg.sh").read_text()
    assert 'ln -s /Applications "$staging/Applications"' in dmg
    assert "-format UDZO" in dmg


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_shell_scripts_parse_and_stop_on_errors(script: Path) -> None:
    assert os.access(script, os.X_OK), f"{script.name} is not executable"
    assert "set -euo pipefail" in script.read_text()
    subprocess.run(["bash", "-n", str(script)], check=True)


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash
    return subprocess.run(
        [bash, str(MACOS / script), *args],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
        check=False,
    )


def test_scripts_refuse_a_folder_that_is_not_an_app_in_one_line(tmp_path: Path) -> None:
    for script, args in (("sign.sh", [str(tmp_path)]), ("dmg.sh", [str(tmp_path), "x.dmg"])):
        result = run(script, *args)
        assert result.returncode == 2
        assert result.stderr.strip().count("\n") == 0 and str(tmp_path) in result.stderr


def test_without_credentials_nothing_is_notarised_or_imported(tmp_path: Path) -> None:
    (tmp_path / "Loupe.app").mkdir()
    result = run("notarize.sh", str(tmp_path / "Loupe.app"))
    assert result.returncode == 0
    assert "no Apple credentials" in result.stdout and "is not notarised" in result.stdout
    result = run("import-certificate.sh")
    assert result.returncode == 0 and "no signing certificate imported" in result.stdout


def test_credentials_without_a_developer_id_are_refused_without_leaking(tmp_path: Path) -> None:
    (tmp_path / "Loupe.app").mkdir()
    secret = "abcd-efgh-ijkl-mnop"
    result = run(
        "notarize.sh",
        str(tmp_path / "Loupe.app"),
        APPLE_ID="someone@example.com",
        APPLE_TEAM_ID="TEAM123456",
        APPLE_APP_PASSWORD=secret,
    )
    assert result.returncode == 1
    assert "MACOS_SIGN_IDENTITY is not" in result.stderr
    assert secret not in result.stdout + result.stderr
