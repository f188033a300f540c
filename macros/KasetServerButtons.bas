Attribute VB_Name = "KasetButtons"
' kaset_xl: the buttons of a district workbook bound to a provincial kaset-xl server.
' Each button posts the workbook to the server with xlwings' RunRemotePython (module Remote);
' the server runs the same Python function as the desktop button and sends back what to write,
' which module Remote applies. Nothing but Excel is needed on this PC.
' Made by kaset-xl template --server; keep this file ASCII (VBA stores it in code page 1252).
' The token is the district's: embedded below, or asked once and kept in the workbook as a
' hidden name (xlwings' client never sends it: it sends only names that refer to cells).
Option Explicit

Private Const KASET_URL As String = "{{URL}}"
Private Const KASET_TOKEN As String = "{{TOKEN}}"
Private Const KASET_TOKEN_NAME As String = "kaset_token"

Public Sub KasetValidate()
    KasetCall "validate"
End Sub

Public Sub KasetScore()
    KasetCall "score"
End Sub

Public Sub KasetBudget()
    KasetCall "budget"
End Sub

Public Sub KasetClear()
    KasetCall "clear_results"
End Sub

Public Sub KasetCertificate()
    KasetCall "certificate"
End Sub

Public Sub KasetRegister()
    KasetCall "register"
End Sub

' Alt+F8 -> KasetNewToken: forget the kept token and ask for a new one.
Public Sub KasetNewToken()
    On Error Resume Next
    ThisWorkbook.Names(KASET_TOKEN_NAME).Delete
    On Error GoTo 0
    KasetToken
End Sub

Private Sub KasetCall(func As String)
    Dim token As String
    token = KasetToken()
    If token = "" Then Exit Sub
    KasetUnprotect
    RunRemotePython KASET_URL & func, auth:="Bearer " & token
    KasetProtect
End Sub

Private Function KasetToken() As String
    Dim t As String
    If KASET_TOKEN <> "" Then
        KasetToken = KASET_TOKEN
        Exit Function
    End If
    On Error Resume Next
    t = CStr(Application.Evaluate(ThisWorkbook.Names(KASET_TOKEN_NAME).RefersTo))
    If Err.Number <> 0 Then t = ""
    On Error GoTo 0
    If t = "" Then
        t = Trim(InputBox(KasetText("0E430E2A0E480E230E2B0E310E2A0E400E020E490E320E430E0A0E49002000280074006F006B0065006E002900200E020E2D0E070E2D0E330E400E200E2D00200E170E350E480E440E140E490E230E310E1A0E080E320E010E2A0E330E190E310E010E070E320E190E400E010E290E150E230E080E310E070E2B0E270E310E14"), "kaset-xl"))
        If t = "" Then Exit Function
        ThisWorkbook.Names.Add Name:=KASET_TOKEN_NAME, RefersTo:="=""" & Replace(t, """", "") & """", Visible:=False
        MsgBox KasetText("0E1A0E310E190E170E360E010E230E2B0E310E2A0E400E020E490E320E430E0A0E490E440E270E490E430E190E410E1F0E490E210E410E250E490E27002000280E080E300E430E0A0E490E400E210E370E480E2D0E1A0E310E190E170E360E010E410E1F0E490E210E190E350E490029"), vbInformation, "kaset-xl"
    End If
    KasetToken = t
End Function

' Thai text from its UTF-16 code units in hex (the source itself must stay ASCII).
Private Function KasetText(hexText As String) As String
    Dim i As Long
    For i = 1 To Len(hexText) Step 4
        KasetText = KasetText & ChrW(CLng("&H" & Mid(hexText, i, 4)))
    Next i
End Function

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
