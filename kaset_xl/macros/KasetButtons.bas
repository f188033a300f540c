Attribute VB_Name = "KasetButtons"
' kaset_xl: the buttons of the district workbook (first sheet). Each button runs one Python
' function of kaset_xl.xl through xlwings' RunPython (module xlwings in this project).
' Keep this file ASCII: VBA stores it in code page 1252. The Thai captions are on the sheet.
' The sheets are protected without a password so that nobody overwrites the form by accident;
' Python writes results and colours into locked cells, so each button lifts the protection for
' the call and puts it back afterwards.
Option Explicit

Public Sub KasetValidate()
    KasetUnprotect
    RunPython "import kaset_xl.xl as x; x.validate()"
    KasetProtect
End Sub

Public Sub KasetScore()
    KasetUnprotect
    RunPython "import kaset_xl.xl as x; x.score()"
    KasetProtect
End Sub

Public Sub KasetBudget()
    KasetUnprotect
    RunPython "import kaset_xl.xl as x; x.budget()"
    KasetProtect
End Sub

Public Sub KasetClear()
    KasetUnprotect
    RunPython "import kaset_xl.xl as x; x.clear_results()"
    KasetProtect
End Sub

' On the sheet of the establishment applications: the application on the selected row.
Public Sub KasetCertificate()
    KasetUnprotect
    RunPython "import kaset_xl.xl as x; x.certificate()"
    KasetProtect
End Sub

Public Sub KasetRegister()
    KasetUnprotect
    RunPython "import kaset_xl.xl as x; x.register()"
    KasetProtect
End Sub

Private Sub KasetUnprotect()
    Dim ws As Object
    For Each ws In ThisWorkbook.Worksheets
        ws.Unprotect
    Next ws
End Sub

Private Sub KasetProtect()
    Dim ws As Object
    For Each ws In ThisWorkbook.Worksheets
        ws.Protect DrawingObjects:=True, Contents:=True, Scenarios:=True, _
            AllowFormattingColumns:=True, AllowFormattingRows:=True, AllowFiltering:=True
    Next ws
End Sub
