; ShelterDesk installer for Windows (Inno Setup 6).
;
; Built by packaging/windows/build_installer.py after PyInstaller has made
; packaging\dist\shelterdesk\ (see packaging/windows/README.md), which passes
;   /DAppVersion=<version from pyproject.toml>
; and the paths below. Compiling this file by hand works too: ISCC shelterdesk.iss
; then takes the version from ShelterDesk.exe's own version resource (which the
; PyInstaller spec also writes from pyproject.toml).
;
; What it does, and why:
; - installs for the current user by default, with no administrator rights (a shelter
;   worker's account usually has none), into %LOCALAPPDATA%\Programs\ShelterDesk; an
;   administrator may choose "for all users" in the first dialog;
; - puts ShelterDesk into the start menu (and on the desktop if asked);
; - speaks Azerbaijani, Russian or English, chosen from Windows' display language;
; - the uninstaller removes the program only. The vault - the encrypted records in
;   %LOCALAPPDATA%\ShelterDesk - is never installed by this script, so it is never
;   removed by its uninstaller; there is deliberately no [UninstallDelete] section, and
;   the [Code] below refuses an installation folder that would hold the vault.

#define AppName "ShelterDesk"
#define AppExe "ShelterDesk.exe"
#ifndef SourceDir
  #define SourceDir "..\dist\shelterdesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\build\pyinstaller\generated\icons\shelterdesk.ico"
#endif
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(AddBackslash(SourceDir) + AppExe)
#endif
; Windows' version resource takes numbers only (1.2.0 for 1.2.0rc1).
#ifndef AppVersionNumbers
  #define AppVersionNumbers AppVersion
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{DCACFB46-DACC-4B3D-83B2-A922E46ED895}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersionNumbers}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} Setup
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user by default; the first page offers "for all users" to an administrator.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Ask the running program to close before files are replaced (an upgrade).
CloseApplications=yes
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
; Inno Setup ships no Azerbaijani; ours translates the wizard's pages, buttons and the
; uninstaller, and leaves rarer error messages to English (Default.isl, read first).
Name: "az"; MessagesFile: "compiler:Default.isl,Azerbaijani.isl"

[CustomMessages]
en.VaultKept=ShelterDesk was removed. Your encrypted records were not touched: they are still in%n%n%1%n%nInstalling ShelterDesk again opens them with the same passphrases.
ru.VaultKept=ShelterDesk удалён. Ваши зашифрованные записи не тронуты: они остаются в%n%n%1%n%nПосле повторной установки ShelterDesk откроет их с прежними паролями.
az.VaultKept=ShelterDesk silindi. Şifrələnmiş qeydlərinizə toxunulmadı: onlar hələ də buradadır:%n%n%1%n%nShelterDesk yenidən quraşdırıldıqda onları eyni şifrə ifadələri ilə açacaq.
en.NotInVault=ShelterDesk cannot be installed into the folder that holds its encrypted records:%n%n%1%n%nPlease choose another folder.
ru.NotInVault=ShelterDesk нельзя установить в папку, где хранятся его зашифрованные записи:%n%n%1%n%nВыберите другую папку.
az.NotInVault=ShelterDesk şifrələnmiş qeydlərinin saxlandığı qovluğa quraşdırıla bilməz:%n%n%1%n%nBaşqa qovluq seçin.
en.AppComment=Encrypted intake and case records for shelters
ru.AppComment=Зашифрованный приём и учёт дел для приютов
az.AppComment=Sığınacaqlar üçün şifrələnmiş qəbul və iş qeydləri

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: ShelterDesk.exe (the window), shelterdesk-cli.exe (the
; administrator's commands and --self-test) and _internal\ with Python, Qt and our data.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ Where ShelterDesk keeps the vault on Windows: platformdirs' user data directory
  (shelterdesk/cli/common.py: user_data_dir("ShelterDesk", roaming=False)). }
function VaultDir(): String;
begin
  Result := ExpandConstant('{localappdata}\ShelterDesk');
end;

{ True if Path is Folder or lies inside it (compared without case, as Windows does). }
function IsInside(Path, Folder: String): Boolean;
begin
  Result := Pos(Lowercase(AddBackslash(Folder)), Lowercase(AddBackslash(Path))) = 1;
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if (CurPageID = wpSelectDir) and IsInside(WizardDirValue(), VaultDir()) then
  begin
    MsgBox(FmtMessage(CustomMessage('NotInVault'), [VaultDir()]), mbError, MB_OK);
    Result := False;
  end;
end;

{ After uninstalling, say where the records are, so nobody thinks they are gone
  (or goes looking for a way to delete them with the program). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and DirExists(VaultDir()) and not UninstallSilent() then
    MsgBox(FmtMessage(CustomMessage('VaultKept'), [VaultDir()]), mbInformation, MB_OK);
end;
