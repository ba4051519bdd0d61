; *** Inno Setup 6.4 Azerbaijani (Latin) messages, for the ShelterDesk installer ***
;
; Inno Setup ships no Azerbaijani translation. This file translates what a person
; sees when installing and uninstalling ShelterDesk: the wizard's pages, buttons,
; the install-mode question, progress and the uninstaller. It is read after
; Default.isl (shelterdesk.iss: MessagesFile: "compiler:Default.isl,Azerbaijani.isl"),
; so any message not here - mostly rare file, registry and disk errors - shows in
; English rather than not at all. Terms follow translations/GLOSSARY.md.
;
; Do not add periods (.) to messages that did not have them: Inno Setup adds them.

[LangOptions]
LanguageName=Azərbaycanca
LanguageID=$042C
LanguageCodePage=0

[Messages]

; *** Application titles
SetupAppTitle=Quraşdırma
SetupWindowTitle=Quraşdırma - %1
UninstallAppTitle=Silmə
UninstallAppFullTitle=%1 proqramının silinməsi

; *** Misc. common
InformationTitle=Məlumat
ConfirmTitle=Təsdiq
ErrorTitle=Xəta

; *** SetupLdr messages
SetupLdrStartupMessage=%1 quraşdırılacaq. Davam etmək istəyirsiniz?
LdrCannotCreateTemp=Müvəqqəti fayl yaratmaq mümkün olmadı. Quraşdırma dayandırıldı
LdrCannotExecTemp=Müvəqqəti qovluqdakı faylı işə salmaq mümkün olmadı. Quraşdırma dayandırıldı

; *** Startup error messages
LastErrorMessage=%1.%n%nXəta %2: %3
SetupFileMissing=Quraşdırma qovluğunda %1 faylı yoxdur. Problemi aradan qaldırın və ya proqramın yeni nüsxəsini əldə edin.
SetupFileCorrupt=Quraşdırma faylları zədələnib. Proqramın yeni nüsxəsini əldə edin.
SetupFileCorruptOrWrongVer=Quraşdırma faylları zədələnib və ya Quraşdırmanın bu versiyası ilə uyğun deyil. Problemi aradan qaldırın və ya proqramın yeni nüsxəsini əldə edin.
InvalidParameter=Əmr sətrində yanlış parametr verilib:%n%n%1
SetupAlreadyRunning=Quraşdırma artıq işləyir.
WindowsVersionNotSupported=Bu proqram kompüterinizdəki Windows versiyasını dəstəkləmir.
NotOnThisPlatform=Bu proqram %1 üzərində işləməyəcək.
OnlyOnThisPlatform=Bu proqram yalnız %1 üzərində işləyə bilər.
OnlyOnTheseArchitectures=Bu proqram yalnız aşağıdakı prosessor arxitekturaları üçün nəzərdə tutulmuş Windows versiyalarında quraşdırıla bilər:%n%n%1
WinVersionTooLowError=Bu proqram üçün %1 %2 və ya daha yeni versiya lazımdır.
WinVersionTooHighError=Bu proqram %1 %2 və ya daha yeni versiyada quraşdırıla bilməz.
AdminPrivilegesRequired=Bu proqramı quraşdırmaq üçün administrator kimi daxil olmalısınız.
SetupAppRunningError=Quraşdırma %1 proqramının işlədiyini aşkar etdi.%n%nOnun bütün pəncərələrini indi bağlayın, sonra davam etmək üçün Oldu, çıxmaq üçün Ləğv et düyməsini basın.
UninstallAppRunningError=Silmə %1 proqramının işlədiyini aşkar etdi.%n%nOnun bütün pəncərələrini indi bağlayın, sonra davam etmək üçün Oldu, çıxmaq üçün Ləğv et düyməsini basın.

; *** Startup questions
PrivilegesRequiredOverrideTitle=Quraşdırma rejimini seçin
PrivilegesRequiredOverrideInstruction=Quraşdırma rejimini seçin
PrivilegesRequiredOverrideText1=%1 bütün istifadəçilər üçün (administrator hüquqları lazımdır) və ya yalnız sizin üçün quraşdırıla bilər.
PrivilegesRequiredOverrideText2=%1 yalnız sizin üçün və ya bütün istifadəçilər üçün (administrator hüquqları lazımdır) quraşdırıla bilər.
PrivilegesRequiredOverrideAllUsers=&Bütün istifadəçilər üçün quraşdır
PrivilegesRequiredOverrideAllUsersRecommended=&Bütün istifadəçilər üçün quraşdır (tövsiyə olunur)
PrivilegesRequiredOverrideCurrentUser=Yalnız &mənim üçün quraşdır
PrivilegesRequiredOverrideCurrentUserRecommended=Yalnız &mənim üçün quraşdır (tövsiyə olunur)

; *** Misc. errors
ErrorCreatingDir=Quraşdırma "%1" qovluğunu yarada bilmədi
ErrorTooManyFilesInDir="%1" qovluğunda fayl yaratmaq mümkün olmadı: orada həddindən çox fayl var

; *** Setup common messages
ExitSetupTitle=Quraşdırmadan çıxış
ExitSetupMessage=Quraşdırma başa çatmayıb. İndi çıxsanız, proqram quraşdırılmayacaq.%n%nQuraşdırmanı başqa vaxt yenidən işə salıb tamamlaya bilərsiniz.%n%nQuraşdırmadan çıxılsın?
AboutSetupMenuItem=Quraşdırma &haqqında...
AboutSetupTitle=Quraşdırma haqqında
AboutSetupMessage=%1, versiya %2%n%3%n%n%1 veb səhifəsi:%n%4

; *** Buttons
ButtonBack=< &Geri
ButtonNext=&İrəli >
ButtonInstall=&Quraşdır
ButtonOK=Oldu
ButtonCancel=Ləğv et
ButtonYes=&Bəli
ButtonYesToAll=&Hamısına bəli
ButtonNo=&Xeyr
ButtonNoToAll=Ha&mısına xeyr
ButtonFinish=&Bitir
ButtonBrowse=&Seç...
ButtonWizardBrowse=S&eç...
ButtonNewFolder=&Yeni qovluq yarat

; *** "Select Language" dialog messages
SelectLanguageTitle=Quraşdırmanın dilini seçin
SelectLanguageLabel=Quraşdırma zamanı istifadə olunacaq dili seçin.

; *** Common wizard text
ClickNext=Davam etmək üçün İrəli, Quraşdırmadan çıxmaq üçün Ləğv et düyməsini basın.
BrowseDialogTitle=Qovluq seçin
BrowseDialogLabel=Aşağıdakı siyahıdan qovluq seçin və Oldu düyməsini basın.
NewFolderName=Yeni qovluq

; *** "Welcome" wizard page
WelcomeLabel1=[name] Quraşdırma Sehrbazına xoş gəlmisiniz
WelcomeLabel2=Kompüterinizə [name/ver] quraşdırılacaq.%n%nDavam etməzdən əvvəl digər proqramları bağlamağınız tövsiyə olunur.

; *** "License Agreement" wizard page
WizardLicense=Lisenziya müqaviləsi
LicenseLabel=Davam etməzdən əvvəl aşağıdakı vacib məlumatı oxuyun.
LicenseLabel3=Aşağıdakı Lisenziya müqaviləsini oxuyun. Quraşdırmanı davam etdirmək üçün müqavilənin şərtlərini qəbul etməlisiniz.
LicenseAccepted=Müqaviləni &qəbul edirəm
LicenseNotAccepted=Müqaviləni qəbul &etmirəm

; *** "Information" wizard pages
WizardInfoBefore=Məlumat
InfoBeforeLabel=Davam etməzdən əvvəl aşağıdakı vacib məlumatı oxuyun.
InfoBeforeClickLabel=Quraşdırmanı davam etdirməyə hazır olduqda İrəli düyməsini basın.
WizardInfoAfter=Məlumat
InfoAfterLabel=Davam etməzdən əvvəl aşağıdakı vacib məlumatı oxuyun.
InfoAfterClickLabel=Quraşdırmanı davam etdirməyə hazır olduqda İrəli düyməsini basın.

; *** "Select Destination Location" wizard page
WizardSelectDir=Quraşdırma qovluğunu seçin
SelectDirDesc=[name] harada quraşdırılsın?
SelectDirLabel3=Quraşdırma [name] proqramını aşağıdakı qovluğa quraşdıracaq.
SelectDirBrowseLabel=Davam etmək üçün İrəli düyməsini basın. Başqa qovluq seçmək istəyirsinizsə, Seç düyməsini basın.
DiskSpaceGBLabel=Diskdə ən azı [gb] GB boş yer lazımdır.
DiskSpaceMBLabel=Diskdə ən azı [mb] MB boş yer lazımdır.
CannotInstallToNetworkDrive=Quraşdırma şəbəkə diskinə edilə bilməz.
CannotInstallToUNCPath=Quraşdırma UNC yoluna edilə bilməz.
InvalidPath=Disk hərfi ilə tam yol daxil etməlisiniz, məsələn:%n%nC:\APP%n%nvə ya bu formada UNC yolu:%n%n\\server\share
InvalidDrive=Seçdiyiniz disk və ya UNC paylaşımı mövcud deyil və ya əlçatan deyil. Başqasını seçin.
DiskSpaceWarningTitle=Diskdə kifayət qədər yer yoxdur
DiskSpaceWarning=Quraşdırma üçün ən azı %1 KB boş yer lazımdır, seçilmiş diskdə isə yalnız %2 KB var.%n%nYenə də davam etmək istəyirsiniz?
DirNameTooLong=Qovluğun adı və ya yolu çox uzundur.
InvalidDirName=Qovluğun adı yanlışdır.
BadDirName32=Qovluq adlarında bu simvollar ola bilməz:%n%n%1
DirExistsTitle=Qovluq artıq var
DirExists=Bu qovluq:%n%n%1%n%nartıq mövcuddur. Yenə də bu qovluğa quraşdırmaq istəyirsiniz?
DirDoesntExistTitle=Qovluq yoxdur
DirDoesntExist=Bu qovluq:%n%n%1%n%nmövcud deyil. Qovluq yaradılsın?

; *** "Select Additional Tasks" wizard page
WizardSelectTasks=Əlavə tapşırıqları seçin
SelectTasksDesc=Hansı əlavə tapşırıqlar yerinə yetirilsin?
SelectTasksLabel2=[name] quraşdırılarkən Quraşdırmanın yerinə yetirməsini istədiyiniz əlavə tapşırıqları seçin, sonra İrəli düyməsini basın.

; *** "Select Start Menu Folder" wizard page
WizardSelectProgramGroup=Başlat menyusu qovluğunu seçin
SelectStartMenuFolderDesc=Quraşdırma proqramın qısayollarını harada yerləşdirsin?
SelectStartMenuFolderLabel3=Quraşdırma proqramın qısayollarını Başlat menyusunun aşağıdakı qovluğunda yaradacaq.
SelectStartMenuFolderBrowseLabel=Davam etmək üçün İrəli düyməsini basın. Başqa qovluq seçmək istəyirsinizsə, Seç düyməsini basın.
MustEnterGroupName=Qovluğun adını daxil etməlisiniz.
GroupNameTooLong=Qovluğun adı və ya yolu çox uzundur.
InvalidGroupName=Qovluğun adı yanlışdır.
BadGroupName=Qovluğun adında bu simvollar ola bilməz:%n%n%1
NoProgramGroupCheck2=Başlat menyusunda qovluq &yaratma

; *** "Ready to Install" wizard page
WizardReady=Quraşdırmağa hazırdır
ReadyLabel1=Quraşdırma [name] proqramını kompüterinizə quraşdırmağa hazırdır.
ReadyLabel2a=Quraşdırmanı davam etdirmək üçün Quraşdır, seçimləri yoxlamaq və ya dəyişmək üçün Geri düyməsini basın.
ReadyLabel2b=Quraşdırmanı davam etdirmək üçün Quraşdır düyməsini basın.
ReadyMemoUserInfo=İstifadəçi məlumatı:
ReadyMemoDir=Quraşdırma qovluğu:
ReadyMemoType=Quraşdırmanın növü:
ReadyMemoComponents=Seçilmiş komponentlər:
ReadyMemoGroup=Başlat menyusu qovluğu:
ReadyMemoTasks=Əlavə tapşırıqlar:

; *** "Preparing to Install" wizard page
WizardPreparing=Quraşdırmaya hazırlıq
PreparingDesc=Quraşdırma [name] proqramını kompüterinizə quraşdırmağa hazırlaşır.
PreviousInstallNotCompleted=Əvvəlki proqramın quraşdırılması və ya silinməsi başa çatmayıb. Onu tamamlamaq üçün kompüteri yenidən başlatmalısınız.%n%nKompüter yenidən başladıqdan sonra [name] quraşdırmasını tamamlamaq üçün Quraşdırmanı yenidən işə salın.
CannotContinue=Quraşdırma davam edə bilmir. Çıxmaq üçün Ləğv et düyməsini basın.
ApplicationsFound=Aşağıdakı proqramlar Quraşdırmanın yeniləməli olduğu faylları istifadə edir. Quraşdırmanın bu proqramları özünün bağlamasına icazə verməyiniz tövsiyə olunur.
ApplicationsFound2=Aşağıdakı proqramlar Quraşdırmanın yeniləməli olduğu faylları istifadə edir. Quraşdırmanın bu proqramları özünün bağlamasına icazə verməyiniz tövsiyə olunur. Quraşdırma bitdikdən sonra Quraşdırma onları yenidən işə salmağa çalışacaq.
CloseApplications=Proqramları &avtomatik bağla
DontCloseApplications=Proqramları &bağlama
ErrorCloseApplications=Quraşdırma bütün proqramları avtomatik bağlaya bilmədi. Davam etməzdən əvvəl Quraşdırmanın yeniləməli olduğu faylları istifadə edən bütün proqramları bağlamağınız tövsiyə olunur.
PrepareToInstallNeedsRestart=Quraşdırma kompüteri yenidən başlatmalıdır. Kompüter yenidən başladıqdan sonra [name] quraşdırmasını tamamlamaq üçün Quraşdırmanı yenidən işə salın.%n%nKompüter indi yenidən başladılsın?

; *** "Installing" wizard page
WizardInstalling=Quraşdırılır
InstallingLabel=Quraşdırma [name] proqramını kompüterinizə quraşdırır, gözləyin.

; *** "Setup Completed" wizard page
FinishedHeadingLabel=[name] Quraşdırma Sehrbazı başa çatır
FinishedLabelNoIcons=Quraşdırma [name] proqramını kompüterinizə quraşdırdı.
FinishedLabel=Quraşdırma [name] proqramını kompüterinizə quraşdırdı. Proqramı quraşdırılmış qısayollarla işə sala bilərsiniz.
ClickFinish=Quraşdırmadan çıxmaq üçün Bitir düyməsini basın.
FinishedRestartLabel=[name] quraşdırmasını tamamlamaq üçün Quraşdırma kompüteri yenidən başlatmalıdır. Kompüter indi yenidən başladılsın?
FinishedRestartMessage=[name] quraşdırmasını tamamlamaq üçün Quraşdırma kompüteri yenidən başlatmalıdır.%n%nKompüter indi yenidən başladılsın?
ShowReadmeCheck=Bəli, README faylına baxmaq istəyirəm
YesRadio=&Bəli, kompüter indi yenidən başladılsın
NoRadio=&Xeyr, kompüteri sonra özüm yenidən başladacağam
RunEntryExec=%1 proqramını işə sal
RunEntryShellExec=%1 faylına bax

; *** Installation phase messages
SetupAborted=Quraşdırma başa çatmadı.%n%nProblemi aradan qaldırın və Quraşdırmanı yenidən işə salın.
AbortRetryIgnoreSelectAction=Nə edilsin
AbortRetryIgnoreRetry=&Yenidən cəhd et
AbortRetryIgnoreIgnore=Xətaya &məhəl qoyma və davam et
AbortRetryIgnoreCancel=Quraşdırmanı ləğv et

; *** Installation status messages
StatusClosingApplications=Proqramlar bağlanır...
StatusCreateDirs=Qovluqlar yaradılır...
StatusExtractFiles=Fayllar açılır...
StatusCreateIcons=Qısayollar yaradılır...
StatusCreateIniEntries=INI yazıları yaradılır...
StatusCreateRegistryEntries=Reyestr yazıları yaradılır...
StatusRegisterFiles=Fayllar qeydiyyata alınır...
StatusSavingUninstall=Silmə məlumatı saxlanılır...
StatusRunProgram=Quraşdırma tamamlanır...
StatusRestartingApplications=Proqramlar yenidən işə salınır...
StatusRollback=Dəyişikliklər geri qaytarılır...

; *** Misc. errors
ErrorInternal2=Daxili xəta: %1
ErrorFunctionFailedNoCode=%1 alınmadı
ErrorFunctionFailed=%1 alınmadı; kod %2
ErrorFunctionFailedWithMessage=%1 alınmadı; kod %2.%n%3
ErrorExecutingProgram=Faylı işə salmaq mümkün olmadı:%n%1

; *** Uninstall display name markings
UninstallDisplayNameMark=%1 (%2)
UninstallDisplayNameMarks=%1 (%2, %3)
UninstallDisplayNameMark32Bit=32 bit
UninstallDisplayNameMark64Bit=64 bit
UninstallDisplayNameMarkAllUsers=Bütün istifadəçilər
UninstallDisplayNameMarkCurrentUser=Cari istifadəçi

; *** Uninstaller messages
UninstallNotFound="%1" faylı yoxdur. Silmək mümkün deyil.
UninstallOpenError="%1" faylını açmaq mümkün olmadı. Silmək mümkün deyil
ConfirmUninstall=%1 və onun bütün komponentləri tamamilə silinsin?
UninstallOnlyOnWin64=Bu quraşdırmanı yalnız 64 bitlik Windows-da silmək olar.
OnlyAdminCanUninstall=Bu quraşdırmanı yalnız administrator hüquqlu istifadəçi silə bilər.
UninstallStatusLabel=%1 kompüterinizdən silinir, gözləyin.
UninstalledAll=%1 kompüterinizdən uğurla silindi.
UninstalledMost=%1 silindi.%n%nBəzi elementləri silmək mümkün olmadı. Onları əl ilə silə bilərsiniz.
UninstalledAndNeedsRestart=%1 silinməsini tamamlamaq üçün kompüter yenidən başladılmalıdır.%n%nKompüter indi yenidən başladılsın?
UninstallDataCorrupted="%1" faylı zədələnib. Silmək mümkün deyil

; *** Uninstallation phase messages
ConfirmDeleteSharedFileTitle=Ortaq fayl silinsin?
SharedFileNameLabel=Faylın adı:
SharedFileLocationLabel=Yeri:
WizardUninstalling=Silmənin vəziyyəti
StatusUninstalling=%1 silinir...

; *** Shutdown block reasons
ShutdownBlockReasonInstallingApp=%1 quraşdırılır.
ShutdownBlockReasonUninstallingApp=%1 silinir.

[CustomMessages]

NameAndVersion=%1, versiya %2
AdditionalIcons=Əlavə qısayollar:
CreateDesktopIcon=&Masaüstündə qısayol yarat
CreateQuickLaunchIcon=&Sürətli işəsalma qısayolu yarat
ProgramOnTheWeb=%1 internetdə
UninstallProgram=%1 proqramını sil
LaunchProgram=%1 proqramını işə sal
AssocFileExtension=%1 proqramını %2 fayl uzantısı ilə &əlaqələndir
AssocingFileExtension=%1 proqramı %2 fayl uzantısı ilə əlaqələndirilir...
AutoStartProgramGroupDescription=Avtomatik işəsalma:
AutoStartProgram=%1 avtomatik işə salınsın
AddonHostProgramNotFound=%1 seçdiyiniz qovluqda tapılmadı.%n%nYenə də davam etmək istəyirsiniz?
