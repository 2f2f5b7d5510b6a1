; Windows 10/11 x64 installer of 乐业吴江考核: per user, no administrator rights, no network.
; Built by installer/build-windows.sh, which passes:
;   /DVERSION=0.1.0          the version of pyproject.toml
;   /DVERSION4=0.1.0.0       the same as four numbers (file version resource)
;   /DSTAGE=…                the folder tree to install (installer/windows/stage.py)
;   /DSIZE_KB=…              its size, for the space check and Add/Remove Programs
;   /DICON=…                 resources/icons/app.ico
;   /DOUTFILE=…              dist/乐业吴江考核-<version>-win64-setup.exe
;
; The install folder holds the program only: runtime\ (Python), app\ (the program), two .cmd
; launchers and uninstall.exe. The user's year files, keys, backups and settings live in the
; profile (%APPDATA%, %LOCALAPPDATA%, Documents, HKCU\Software\leye-wujiang) and are never touched.
;
; New files are unpacked into <folder>\~new first; only when all of them are there are the old
; program's folders moved aside and the new ones moved in, so a failure leaves the old program
; (or nothing) in place, never half of one.

Unicode true
Target amd64-unicode
RequestExecutionLevel user
SetCompressor /SOLID lzma
SetCompressorDictSize 64
ManifestDPIAware true
ManifestSupportedOS Win7 Win8 Win8.1 Win10
AllowSkipFiles off

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"

!define APP "乐业吴江考核"
!define APP_KEY "LeyeWujiang"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define PROGID "LeyeWujiang.YearFile"
!define EXT ".wjkh"
!define CLI_CMD "乐业吴江考核-命令行.cmd"
!define LOG "$TEMP\leye-wujiang-setup.log"

Name "${APP}"
Caption "${APP} ${VERSION} 安装"
UninstallCaption "${APP} 卸载"
BrandingText "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
ShowInstDetails hide
ShowUninstDetails hide

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APP}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP} 安装程序"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${APP}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "欢迎安装 ${APP} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "本程序用于“乐业吴江”就业协作联盟运营单位年度绩效考核。$\r$\n$\r$\n只为当前登录的用户安装，不需要管理员权限，也不需要联网。$\r$\n$\r$\n您的年度数据文件、签名密钥和备份保存在您自己的用户文件夹中，安装、更新和卸载都不会改动它们。$\r$\n$\r$\n点击“下一步”继续。"
!insertmacro MUI_PAGE_WELCOME
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipDirectoryOnUpgrade
!define MUI_PAGE_CUSTOMFUNCTION_LEAVE CheckDirectory
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "现在打开 ${APP}"
!define MUI_FINISHPAGE_RUN_FUNCTION RunProgram
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"
; NSIS's own Chinese texts for a file that cannot be written name the buttons in English: replaced.
LangString ^FileError ${LANG_SIMPCHINESE} "无法写入文件：$\r$\n$\t“$0”$\r$\n磁盘可能已满，或文件正被其他程序使用。请点击“重试”再写一次，或点击“中止”停止安装；电脑上原有的程序保持原样。"
LangString ^FileError_NoIgnore ${LANG_SIMPCHINESE} "无法写入文件：$\r$\n$\t“$0”$\r$\n磁盘可能已满，或文件正被其他程序使用。请点击“重试”再写一次，或点击“取消”停止安装；电脑上原有的程序保持原样。"

Var OldDir
Var OldVer
Var MadeDir

; ------------------------------------------------------------------ shared functions

; One Chinese sentence: shown (not in silent mode), appended to %TEMP%\leye-wujiang-setup.log,
; and the installer ends with the given exit code.
!macro Fail CODE TEXT
  Push "${TEXT}"
  Push ${CODE}
  Call FailNow
!macroend

Function WriteLog  ; (text)
  Exch $0
  Push $1
  ClearErrors
  FileOpen $1 "${LOG}" a
  ${IfNot} ${Errors}
    FileSeek $1 0 END
    FileWriteUTF16LE /BOM $1 "$0$\r$\n"
    FileClose $1
  ${EndIf}
  Pop $1
  Pop $0
FunctionEnd

Function FailNow  ; (text, code) - never returns
  Pop $1
  Pop $0
  Push $0
  Call WriteLog
  MessageBox MB_ICONSTOP|MB_OK "$0" /SD IDOK
  SetErrorLevel $1
  Call CleanUpNew
  Quit
FunctionEnd

Function CleanUpNew  ; what this run unpacked, and the folder if this run made it
  ${If} $INSTDIR != ""
    RMDir /r "$INSTDIR\~new"
    ${If} $MadeDir == "1"
      RMDir "$INSTDIR"
    ${EndIf}
  ${EndIf}
FunctionEnd

; Can files be created in $INSTDIR? (makes the folder; $MadeDir tells whether it was missing)
Function CanWrite  ; -> "1" or "0"
  Push $0
  StrCpy $MadeDir "0"
  ${IfNot} ${FileExists} "$INSTDIR\*.*"
    StrCpy $MadeDir "1"
  ${EndIf}
  ClearErrors
  CreateDirectory "$INSTDIR"
  FileOpen $0 "$INSTDIR\~write-test.tmp" w
  ${If} ${Errors}
    ${If} $MadeDir == "1"
      RMDir "$INSTDIR"
    ${EndIf}
    StrCpy $0 "0"
  ${Else}
    FileClose $0
    Delete "$INSTDIR\~write-test.tmp"
    StrCpy $0 "1"
  ${EndIf}
  Exch $0
FunctionEnd

; Is the installed program running? Windows keeps a loaded DLL from being opened for writing
; (renaming it would still work), so python313.dll opened for writing tells.
!macro IsRunning RESULT
  StrCpy ${RESULT} "0"
  ${If} ${FileExists} "$INSTDIR\runtime\python313.dll"
    ClearErrors
    FileOpen $9 "$INSTDIR\runtime\python313.dll" a
    ${If} ${Errors}
      StrCpy ${RESULT} "1"
    ${Else}
      FileClose $9
    ${EndIf}
  ${EndIf}
!macroend

; ------------------------------------------------------------------ before the pages

Function .onInit
  SetShellVarContext current
  ReadRegStr $OldDir HKCU "${UNINST_KEY}" "InstallLocation"
  ReadRegStr $OldVer HKCU "${UNINST_KEY}" "DisplayVersion"
  ${If} $OldDir == ""
  ${OrIfNot} ${FileExists} "$OldDir\runtime\python.exe"
    StrCpy $OldDir ""
    Return
  ${EndIf}
  ${VersionCompare} "$OldVer" "${VERSION}" $0
  ${If} $0 == "1"
    !insertmacro Fail 6 "电脑上已安装更新的版本 $OldVer，不能再安装较旧的版本 ${VERSION}；如确需使用旧版本，请先在“设置 → 应用”中卸载${APP}。"
  ${ElseIf} $0 == "2"
    MessageBox MB_ICONINFORMATION|MB_OKCANCEL "电脑上已安装旧版本 $OldVer，将更新为 ${VERSION}；您的年度数据、签名密钥、备份和设置保持不变。" /SD IDOK IDOK +2
    Quit
  ${Else}
    MessageBox MB_ICONINFORMATION|MB_OKCANCEL "电脑上已安装相同版本 ${VERSION}，将重新安装程序文件；您的年度数据、签名密钥、备份和设置保持不变。" /SD IDOK IDOK +2
    Quit
  ${EndIf}
  StrCpy $INSTDIR $OldDir  ; an update goes where the old version is
FunctionEnd

Function SkipDirectoryOnUpgrade
  ${If} $OldDir != ""
    Abort
  ${EndIf}
FunctionEnd

Function CheckDirectory
  Call CanWrite
  Pop $0
  ${If} $0 != "1"
    MessageBox MB_ICONSTOP|MB_OK "无法在“$INSTDIR”中安装：您没有这个文件夹的写入权限。请选择其他文件夹，例如默认的位置。"
    Abort
  ${EndIf}
  ${If} $MadeDir == "1"
    RMDir "$INSTDIR"
  ${EndIf}
FunctionEnd

Function RunProgram
  SetOutPath "$DOCUMENTS"
  Exec '"$INSTDIR\runtime\pythonw.exe" "$INSTDIR\app\main.py"'
FunctionEnd

; ------------------------------------------------------------------ install

Section "Install"
  SetDetailsPrint textonly
  DetailPrint "正在检查安装位置……"
  SetDetailsPrint listonly

  Call CanWrite
  Pop $0
  ${If} $0 != "1"
    !insertmacro Fail 3 "无法在“$INSTDIR”中安装：您没有这个文件夹的写入权限。请选择其他文件夹，例如默认的位置。"
  ${EndIf}

  ; Space: the new files are all unpacked before the old ones are removed.
  ${GetRoot} "$INSTDIR" $1
  ClearErrors
  ${DriveSpace} "$1\" "/D=F /S=M" $2
  ${IfNot} ${Errors}
    IntOp $3 ${SIZE_KB} / 1024
    IntOp $3 $3 + 20
    ${If} $2 < $3
      !insertmacro Fail 4 "磁盘空间不足：安装需要约 $3 MB，所选磁盘（$1）只剩 $2 MB。请清理磁盘后再安装，或选择其他磁盘上的文件夹。"
    ${EndIf}
  ${EndIf}

  !insertmacro IsRunning $0
  ${If} $0 == "1"
    !insertmacro Fail 5 "${APP}正在运行，请先关闭它的所有窗口，再重新安装。"
  ${EndIf}

  SetDetailsPrint textonly
  DetailPrint "正在复制程序文件……"
  SetDetailsPrint none
  RMDir /r "$INSTDIR\~new"
  RMDir /r "$INSTDIR\~old"
  ClearErrors
  SetOutPath "$INSTDIR\~new"
  File /r "${STAGE}\*.*"
  WriteUninstaller "$INSTDIR\~new\uninstall.exe"
  ${If} ${Errors}
    !insertmacro Fail 7 "程序文件没有全部写入“$INSTDIR”（可能是磁盘已满或文件夹被占用），安装已取消，电脑上的程序保持原样。"
  ${EndIf}

  ; Swap: the old program aside, the new one in; undone if any move fails.
  SetOutPath "$INSTDIR"
  ClearErrors
  CreateDirectory "$INSTDIR\~old"
  !macro MoveAside NAME
    ${If} ${FileExists} "$INSTDIR\${NAME}"
      Rename "$INSTDIR\${NAME}" "$INSTDIR\~old\${NAME}"
    ${EndIf}
  !macroend
  !insertmacro MoveAside "runtime"
  !insertmacro MoveAside "app"
  !insertmacro MoveAside "wjkh.cmd"
  !insertmacro MoveAside "${CLI_CMD}"
  !insertmacro MoveAside "uninstall.exe"
  ${IfNot} ${Errors}
    Rename "$INSTDIR\~new\runtime" "$INSTDIR\runtime"
    Rename "$INSTDIR\~new\app" "$INSTDIR\app"
    Rename "$INSTDIR\~new\wjkh.cmd" "$INSTDIR\wjkh.cmd"
    Rename "$INSTDIR\~new\${CLI_CMD}" "$INSTDIR\${CLI_CMD}"
    Rename "$INSTDIR\~new\uninstall.exe" "$INSTDIR\uninstall.exe"
  ${EndIf}
  ${If} ${Errors}
    !macro MoveBack NAME
      ${If} ${FileExists} "$INSTDIR\~old\${NAME}"
        ${If} ${FileExists} "$INSTDIR\${NAME}"
          RMDir /r "$INSTDIR\${NAME}"
          Delete "$INSTDIR\${NAME}"
        ${EndIf}
        Rename "$INSTDIR\~old\${NAME}" "$INSTDIR\${NAME}"
      ${EndIf}
    !macroend
    !insertmacro MoveBack "runtime"
    !insertmacro MoveBack "app"
    !insertmacro MoveBack "wjkh.cmd"
    !insertmacro MoveBack "${CLI_CMD}"
    !insertmacro MoveBack "uninstall.exe"
    RMDir "$INSTDIR\~old"
    !insertmacro Fail 7 "程序文件没有全部写入“$INSTDIR”（可能是文件夹被占用），安装已取消，电脑上的程序保持原样。"
  ${EndIf}
  RMDir /r "$INSTDIR\~old"
  RMDir /r "$INSTDIR\~new"

  SetDetailsPrint textonly
  DetailPrint "正在创建快捷方式和文件关联……"
  SetDetailsPrint none
  ; Shortcuts start in the user's Documents: nothing the program writes lands in the program folder.
  SetOutPath "$DOCUMENTS"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\runtime\pythonw.exe" '"$INSTDIR\app\main.py"' \
    "$INSTDIR\app\resources\icons\app.ico" 0 SW_SHOWNORMAL "" "“乐业吴江”运营单位绩效考核"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP} 命令行.lnk" "$INSTDIR\${CLI_CMD}" "" \
    "$INSTDIR\app\resources\icons\app.ico" 0 SW_SHOWNORMAL "" "在命令行窗口中使用${APP}"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\runtime\pythonw.exe" '"$INSTDIR\app\main.py"' \
    "$INSTDIR\app\resources\icons\app.ico" 0 SW_SHOWNORMAL "" "“乐业吴江”运营单位绩效考核"
  SetOutPath "$INSTDIR"

  ; Year files (.wjkh) open in the program. Only this user's classes; .sqlite is left alone.
  WriteRegStr HKCU "Software\Classes\${EXT}" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "${APP} 年度数据文件"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\app\resources\icons\app.ico"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\runtime\pythonw.exe" "$INSTDIR\app\main.py" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; SHCNE_ASSOCCHANGED

  ; Add/Remove Programs (this user only)
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\app\resources\icons\app.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegStr HKCU "${UNINST_KEY}" "Comments" "“乐业吴江”运营单位绩效考核"
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" ${SIZE_KB}
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  SetDetailsPrint textonly
  DetailPrint "安装完成。"
SectionEnd

Function .onInstFailed
  Push "安装没有完成：程序文件没有全部写入“$INSTDIR”（可能是磁盘已满或文件被占用），电脑上原有的程序保持原样。"
  Call WriteLog
  Call CleanUpNew
FunctionEnd

; ------------------------------------------------------------------ uninstall

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Uninstall"
  !insertmacro IsRunning $0
  ${If} $0 == "1"
      MessageBox MB_ICONSTOP|MB_OK "${APP}正在运行，请先关闭它的所有窗口，再卸载。" /SD IDOK
      SetErrorLevel 5
      Abort
  ${EndIf}
  ; The program's own files only: the folders and files the installer put there.
  RMDir /r "$INSTDIR\runtime"
  RMDir /r "$INSTDIR\app"
  RMDir /r "$INSTDIR\~new"
  RMDir /r "$INSTDIR\~old"
  Delete "$INSTDIR\wjkh.cmd"
  Delete "$INSTDIR\${CLI_CMD}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only when nothing else is left in it

  Delete "$SMPROGRAMS\${APP}\${APP}.lnk"
  Delete "$SMPROGRAMS\${APP}\${APP} 命令行.lnk"
  RMDir "$SMPROGRAMS\${APP}"
  Delete "$DESKTOP\${APP}.lnk"

  ReadRegStr $0 HKCU "Software\Classes\${EXT}" ""
  ${If} $0 == "${PROGID}"
    DeleteRegValue HKCU "Software\Classes\${EXT}" ""
  ${EndIf}
  DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DeleteRegKey HKCU "${UNINST_KEY}"
  ; Not touched: %APPDATA%\LeyeWujiang (keys), %APPDATA%\leye-wujiang (year files, backups),
  ; %LOCALAPPDATA%\LeyeWujiang (caches), HKCU\Software\leye-wujiang (settings), Documents.
  MessageBox MB_ICONINFORMATION|MB_OK "已卸载${APP}。您的年度数据文件、签名密钥和备份仍保留在原处。" /SD IDOK
SectionEnd
