; Inno Setup 6 script for Loupe's Windows installer.
;
; Build dist\Loupe\ and dist\loupe.ico first (python tasks.py package), then:
;   iscc /DAppVersion=0.1.0 packaging\windows\loupe.iss
; which writes dist\loupe-0.1.0-windows-x86_64-setup.exe. The release workflow
; passes the version read from pyproject.toml.
;
; Installs for the current user by default (no administrator rights needed);
; the first page offers an install for all users instead, and /ALLUSERS or
; /CURRENTUSER choose on the command line. Every registry entry below uses HKA,
; which is HKCU for a per-user install and HKLM for an all-users one.
;
; The Microsoft C++ runtime (14.28 or later, which Qt WebEngine needs) is not
; installed separately: the bundle carries it app-locally (Python's
; vcruntime140*.dll and the msvcp140*.dll that PySide6 ships), and the release
; workflow fails the build if dist\Loupe lacks them.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\windows\loupe.iss
#endif

#define AppName "Loupe"
#define AppExe "loupe.exe"
#define ProgID "Loupe.Table"
#define Dist AddBackslash(SourcePath) + "..\..\dist"

#if !FileExists(Dist + "\Loupe\" + AppExe)
  #error dist\Loupe\loupe.exe is missing: run "python tasks.py package" first
#endif
#if !FileExists(Dist + "\loupe.ico")
  #error dist\loupe.ico is missing: "python tasks.py package" makes it from desktop\assets
#endif

[Setup]
; AppId identifies the installation across versions: never change it.
AppId={{29043238-DD04-47B6-B931-DE398D5D500A}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
; Qt 6 runs on 64-bit Windows 10 1809 and later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir={#Dist}
OutputBaseFilename=loupe-{#AppVersion}-windows-x86_64-setup
SetupIconFile={#Dist}\loupe.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Tells Explorer to reread file associations after installing and uninstalling.
ChangesAssociations=yes
; Closes a running Loupe (through the Restart Manager) before replacing its files.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
; Offered, never imposed: each association is unchecked unless the user ticks it.
; Loupe is listed under "Open with" for these types either way.
Name: "assoc_csv"; Description: "Open .csv files with Loupe"; GroupDescription: "Make Loupe the default app for:"; Flags: unchecked
Name: "assoc_parquet"; Description: "Open .parquet files with Loupe"; GroupDescription: "Make Loupe the default app for:"; Flags: unchecked
Name: "assoc_xlsx"; Description: "Open .xlsx files with Loupe"; GroupDescription: "Make Loupe the default app for:"; Flags: unchecked

[Files]
Source: "{#Dist}\Loupe\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The ProgID the associations point to: how Explorer opens, names and draws a table file.
Root: HKA; Subkey: "Software\Classes\{#ProgID}"; ValueType: string; ValueName: ""; ValueData: "Table (Loupe)"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgID}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgID}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; The application's own entry: its name in "Open with" and the types it opens.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".csv"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".parquet"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsx"; ValueData: ""
; "Open with" lists Loupe for each type without taking over its default.
Root: HKA; Subkey: "Software\Classes\.csv\OpenWithProgids"; ValueType: string; ValueName: "{#ProgID}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.parquet\OpenWithProgids"; ValueType: string; ValueName: "{#ProgID}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.xlsx\OpenWithProgids"; ValueType: string; ValueName: "{#ProgID}"; ValueData: ""; Flags: uninsdeletevalue
; "loupe" typed in Run (Win+R) starts the app.
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\App Paths\{#AppExe}"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe}"; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The default association of an extension (its key's unnamed value) is set in
// code rather than in [Registry]: installing keeps the handler it replaces, and
// uninstalling gives that handler back, and only if the type still opens with
// Loupe (a user who has since chosen another app keeps it).
const
  PreviousValue = 'Loupe.PreviousProgID';

function ClassesRoot: Integer;
begin
  if IsAdminInstallMode then
    Result := HKLM
  else
    Result := HKCU;
end;

procedure Associate(const Ext: String);
var
  Key, Old: String;
begin
  Key := 'Software\Classes\' + Ext;
  if RegQueryStringValue(ClassesRoot, Key, '', Old) and (Old <> '') and (Old <> '{#ProgID}') then
    RegWriteStringValue(ClassesRoot, Key, PreviousValue, Old);
  RegWriteStringValue(ClassesRoot, Key, '', '{#ProgID}');
end;

procedure Unassociate(const Ext: String);
var
  Key, Current, Old: String;
begin
  Key := 'Software\Classes\' + Ext;
  if RegQueryStringValue(ClassesRoot, Key, '', Current) and (Current = '{#ProgID}') then
  begin
    if RegQueryStringValue(ClassesRoot, Key, PreviousValue, Old) then
      RegWriteStringValue(ClassesRoot, Key, '', Old)
    else
      RegDeleteValue(ClassesRoot, Key, '');
  end;
  RegDeleteValue(ClassesRoot, Key, PreviousValue);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
  begin
    if WizardIsTaskSelected('assoc_csv') then
      Associate('.csv');
    if WizardIsTaskSelected('assoc_parquet') then
      Associate('.parquet');
    if WizardIsTaskSelected('assoc_xlsx') then
      Associate('.xlsx');
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    Unassociate('.csv');
    Unassociate('.parquet');
    Unassociate('.xlsx');
  end
  else if CurUninstallStep = usPostUninstall then
  begin
    // The extension keys Loupe created and nothing else uses any more.
    RegDeleteKeyIfEmpty(ClassesRoot, 'Software\Classes\.csv\OpenWithProgids');
    RegDeleteKeyIfEmpty(ClassesRoot, 'Software\Classes\.parquet\OpenWithProgids');
    RegDeleteKeyIfEmpty(ClassesRoot, 'Software\Classes\.xlsx\OpenWithProgids');
    RegDeleteKeyIfEmpty(ClassesRoot, 'Software\Classes\.csv');
    RegDeleteKeyIfEmpty(ClassesRoot, 'Software\Classes\.parquet');
    RegDeleteKeyIfEmpty(ClassesRoot, 'Software\Classes\.xlsx');
  end;
end;
