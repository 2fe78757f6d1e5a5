"""End to end, admins: uploads (preview, confirm, progress, replace, refusals), roles, stats, downloads, restart."""

from __future__ import annotations

from typing import Any

from bot.render_text import display_time
from tests.plugins.bot import BotHarness, button, buttons, has_button

NOTICE = """TỈNH ỦY NGHỆ AN
Số {number}-TB/TU
Nghệ An, ngày 05 tháng 3 năm 2025

THÔNG BÁO
Kết luận của Ban Thường vụ Tỉnh ủy về công tác {topic} trong các cơ quan Đảng

I. KẾT QUẢ ĐẠT ĐƯỢC
1. Các cơ quan Đảng đã hoàn thành việc số hóa {percent}% hồ sơ lưu trữ về {topic}.
2. Hệ thống họp trực tuyến đã kết nối đến 100% đảng ủy cấp xã.

II. NHIỆM VỤ THỜI GIAN TỚI
1. Đến hết năm {year}, toàn bộ văn bản của các cơ quan Đảng cấp tỉnh về {topic} được ký số và gửi nhận \
trên môi trường mạng.
2. Mỗi chi bộ cử một đảng viên phụ trách {topic}, được bồi dưỡng kỹ năng số ít nhất một lần mỗi năm.

III. TỔ CHỨC THỰC HIỆN
Văn phòng Tỉnh ủy chủ trì, theo dõi, đôn đốc và định kỳ báo cáo Ban Thường vụ Tỉnh ủy.
"""


def notice(number: int, topic: str = "chuyển đổi số", *, percent: int = 80, year: int = 2026) -> bytes:
    return NOTICE.format(number=number, topic=topic, percent=percent, year=year).encode("utf-8")


def upload(bot: BotHarness, name: str, data: bytes, **kwargs: Any) -> dict[str, Any]:
    """Send a file as the admin and return the preview (the status message once it has buttons)."""
    fake = bot.fake
    chat_id = bot.admin["id"]
    before = bot.last_id(chat_id)
    fake.send_document(bot.admin, name, data, mime_type="text/plain", **kwargs)
    (status,) = bot.wait_new(chat_id, before)
    return fake.wait_for(lambda: next((m for m in bot.messages(chat_id) if m["message_id"] == status["message_id"]
                                       and has_button(m, "up:")), None))


def wait_edited(bot: BotHarness, message: dict[str, Any], text: str) -> dict[str, Any]:
    chat_id = message["chat"]["id"]
    return bot.fake.wait_for(lambda: next((m for m in bot.messages(chat_id)
                                           if m["message_id"] == message["message_id"] and text in m["html"]),
                                          None), timeout=120)


def test_upload_preview_confirm_progress_and_answer(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    preview = upload(upload_bot, "tb-920.txt", notice(920))
    html = preview["html"]
    for expected in ("Xem trước tệp #", "«tb-920.txt»", "Số hiệu: 920-TB/TU", "Loại văn bản: Thông báo",
                     "Ngày ban hành: 05/03/2025", "Số đoạn:", "Dàn ý", "KẾT QUẢ ĐẠT ĐƯỢC", "Bấm «Xác nhận»"):
        assert expected in html, expected
    assert [text for text, _ in buttons(preview)] == ["✅ Xác nhận", "✖️ Hủy"]
    upload_bot.press(upload_bot.admin, preview, button(preview, "up:") )
    done = wait_edited(upload_bot, preview, "✅ Đã nạp")
    assert "<b>920-TB/TU</b>" in done["html"] and not buttons(done)
    edits = [p["text"] for m, p in fake.calls if m == "editMessageText" and p["message_id"] == preview["message_id"]]
    assert any("%" in text and "Đang lập chỉ mục" in text for text in edits), edits
    assert [c for c in fake.calls if c[0] == "getFile"]
    member = upload_bot.member(5001)
    replies = upload_bot.ask(member, "Tỉnh ủy Nghệ An yêu cầu đến hết năm nào văn bản của các cơ quan Đảng "
                                     "được ký số?")
    assert "<b>[1] 920-TB/TU" in replies[0]["html"]
    assert fake.rejected == []


def test_replace_as_new_version_and_history(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    first = upload(upload_bot, "tb-921.txt", notice(921, "cải cách hành chính"))
    upload_bot.press(upload_bot.admin, first, button(first, "up:"))
    wait_edited(upload_bot, first, "✅ Đã nạp")
    second = upload(upload_bot, "tb-921-sua.txt", notice(921, "cải cách hành chính", percent=95, year=2027))
    assert "đã có trong kho (phiên bản 1)" in second["html"]
    datas = [data for _, data in buttons(second)]
    assert datas[0].endswith(":rep") and datas[1].endswith(":no")
    upload_bot.press(upload_bot.admin, second, datas[0])
    done = wait_edited(upload_bot, second, "✅ Đã nạp phiên bản 2")
    assert "921-TB/TU" in done["html"]
    (history,) = upload_bot.say(upload_bot.admin, "/history 921-TB/TU")
    assert "phiên bản 1 — đã thay thế" in history["html"] and "phiên bản 2 — đang dùng" in history["html"]
    member = upload_bot.member(5002)
    replies = upload_bot.ask(member, "Đến hết năm nào văn bản về cải cách hành chính được ký số theo TB 921?")
    assert "2027" in replies[0]["html"] and "921-TB/TU" in replies[0]["html"]
    assert fake.rejected == []


def test_uploads_refused_without_download(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    member = upload_bot.member(5003)
    before = upload_bot.last_id(member["id"])
    fake.send_document(member, "tb.txt", notice(930), mime_type="text/plain")
    (refused,) = upload_bot.wait_new(member["id"], before)
    assert refused["html"].startswith("Chỉ quản trị viên mới được nạp văn bản")
    before = upload_bot.last_id(upload_bot.admin["id"])
    fake.send_document(upload_bot.admin, "big.pdf", b"%PDF-1.4 small", mime_type="application/pdf",
                       file_size=25 * 1024 * 1024)
    (too_large,) = upload_bot.wait_new(upload_bot.admin["id"], before)
    assert too_large["html"] == "Tệp quá lớn (tối đa 20 MB)."
    before = upload_bot.last_id(upload_bot.admin["id"])
    fake.send_document(upload_bot.admin, "setup.exe", b"MZ", mime_type="application/x-msdownload")
    (unsupported,) = upload_bot.wait_new(upload_bot.admin["id"], before)
    assert unsupported["html"].startswith("Định dạng tệp không được hỗ trợ")
    assert not [c for c in fake.calls if c[0] == "getFile"]
    assert fake.rejected == []


def test_unreadable_upload_and_cancel(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    chat_id = upload_bot.admin["id"]
    before = upload_bot.last_id(chat_id)
    fake.send_document(upload_bot.admin, "scan.pdf", b"%PDF-1.4 this is not really a pdf", mime_type="application/pdf")
    (status,) = upload_bot.wait_new(chat_id, before)
    failed = wait_edited(upload_bot, status, "hỏng")
    assert failed["html"] == "Tệp bị hỏng hoặc không đọc được."
    preview = upload(upload_bot, "tb-931.txt", notice(931, "công tác dân vận"))
    upload_bot.press(upload_bot.admin, preview, button(preview, "up:").rsplit(":", 1)[0] + ":no")
    wait_edited(upload_bot, preview, "Đã hủy, không nạp «tb-931.txt».")
    assert upload_bot.engine.resolve("931-TB/TU") is None
    assert fake.rejected == []


def test_pending_upload_survives_restart(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    preview = upload(upload_bot, "tb-932.txt", notice(932, "công tác kiểm tra"))
    upload_bot.restart()
    upload_bot.press(upload_bot.admin, preview, button(preview, "up:"))
    done = wait_edited(upload_bot, preview, "✅ Đã nạp")
    assert "932-TB/TU" in done["html"]
    assert fake.rejected == []


def test_restart_keeps_users_roles_feedback_and_settings(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    admin = upload_bot.admin
    member = fake.user(5004, "Hùng", username="hung_dv")
    (invite,) = upload_bot.say(admin, "/invite")
    code = invite["text"].split("start=")[1].split()[0]
    upload_bot.say(member, f"/start {code}")
    (lang,) = upload_bot.say(member, "/lang en")
    assert lang["html"] == "Language set to English."
    answer = upload_bot.ask(member, "Làm thế nào để tải văn bản lên?")[-1]
    question_id = int(button(answer, "fb:").split(":")[1])
    upload_bot.press(member, answer, f"fb:{question_id}:d")
    fake.wait_for(lambda: upload_bot.store.feedback(question_id))
    upload_bot.say(admin, "/grant @hung_dv admin")
    upload_bot.say(admin, "/downloads on")
    upload_bot.restart()
    store = upload_bot.store
    assert store.role(member["id"]) == "admin"
    assert store.user(member["id"]).lang == "en"  # type: ignore[union-attr]
    assert store.feedback(question_id) == {member["id"]: -1}
    assert store.downloads_enabled
    (stats,) = upload_bot.say(admin, "/stats")
    assert "Câu hỏi bị đánh giá 👎" in stats["html"]
    assert f"#{question_id} «Làm thế nào để tải văn bản lên?»" in stats["html"]
    replies = upload_bot.ask(member, "Làm thế nào để tải văn bản lên?")
    assert replies[0]["html"].startswith("<b>Relevant passages:</b>")
    download = button(replies[-1], "dl:")
    upload_bot.press(member, replies[-1], download)
    fake.wait_for(lambda: fake.uploaded_documents(member["id"]))
    (name, data) = fake.uploaded_documents(member["id"])[0]
    assert name == "huong-dan-su-dung-nqbot.md" and data.startswith("HƯỚNG DẪN SỬ DỤNG NQBOT".encode())
    upload_bot.say(admin, "/downloads off")
    assert fake.rejected == []


def test_users_grant_revoke(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    admin = upload_bot.admin
    person = fake.user(5005, "Thu", username="thu_cb")
    upload_bot.say(person, "xin chào")  # unknown: access notice, but now the bot knows @thu_cb
    (granted,) = upload_bot.say(admin, "/grant @thu_cb")
    assert granted["html"] == "Đã cấp quyền thành viên cho @thu_cb."
    (users,) = upload_bot.say(admin, "/users")
    assert "<code>5005</code> @thu_cb Thu — thành viên" in users["html"]
    assert upload_bot.ask(person, "Làm thế nào để tải văn bản lên?")
    (revoked,) = upload_bot.say(admin, "/revoke 5005")
    assert revoked["html"] == "Đã thu hồi quyền của 5005."
    (denied,) = upload_bot.say(person, "Làm thế nào để tải văn bản lên?")
    assert denied["html"].startswith("Quyền sử dụng bot của bạn đã bị thu hồi")
    (config_admin,) = upload_bot.say(admin, f"/revoke {admin['id']}")
    assert "cấu hình máy chủ" in config_admin["html"]
    (member_try,) = upload_bot.say(upload_bot.member(5006), "/users")
    assert member_try["html"] == "Chỉ quản trị viên mới dùng được lệnh này."
    assert fake.rejected == []


def test_two_admins_upload_at_once_then_remove_and_reindex(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    second_admin = upload_bot.fake.user(5007, "Phó ban")
    upload_bot.store.set_role(5007, "admin", by=upload_bot.admin["id"])
    first = upload(upload_bot, "tb-940.txt", notice(940, "công tác tuyên giáo"))
    before = upload_bot.last_id(second_admin["id"])
    fake.send_document(second_admin, "tb-941.txt", notice(941, "công tác tổ chức"), mime_type="text/plain")
    (status,) = upload_bot.wait_new(second_admin["id"], before)
    second = fake.wait_for(lambda: next((m for m in upload_bot.messages(second_admin["id"])
                                         if m["message_id"] == status["message_id"] and has_button(m, "up:")), None))
    upload_bot.press(upload_bot.admin, first, button(first, "up:"))
    upload_bot.press(second_admin, second, button(second, "up:"))
    wait_edited(upload_bot, first, "✅ Đã nạp")
    wait_edited(upload_bot, second, "✅ Đã nạp")
    assert upload_bot.engine.resolve("940-TB/TU") and upload_bot.engine.resolve("941-TB/TU")
    (removed,) = upload_bot.say(upload_bot.admin, "/remove 941-TB/TU")
    assert removed["html"].startswith("Đã gỡ 941-TB/TU khỏi tìm kiếm")
    assert upload_bot.engine.resolve("941-TB/TU") is None
    chat_id = upload_bot.admin["id"]
    before = upload_bot.last_id(chat_id)
    fake.send_text(upload_bot.admin, "/reindex")
    (started,) = upload_bot.wait_new(chat_id, before)
    done = wait_edited(upload_bot, started, "Đã xây lại chỉ mục")
    assert done["html"].startswith("Đã xây lại chỉ mục:")
    member = upload_bot.member(5008)
    replies = upload_bot.ask(member, "Mỗi chi bộ cử đảng viên phụ trách công tác tuyên giáo theo TB 940?")
    assert "940-TB/TU" in replies[0]["html"]
    assert fake.rejected == []


def test_buttons_of_superseded_and_removed_documents_are_gone(upload_bot: BotHarness) -> None:
    fake = upload_bot.fake
    first = upload(upload_bot, "tb-950.txt", notice(950, "công tác thi đua khen thưởng"))
    upload_bot.press(upload_bot.admin, first, button(first, "up:"))
    wait_edited(upload_bot, first, "✅ Đã nạp")
    member = upload_bot.member(5010)
    old = upload_bot.ask(member, "Theo TB 950 đến hết năm nào văn bản về công tác thi đua khen thưởng được ký số?")
    assert "950-TB/TU" in old[0]["html"]
    second = upload(upload_bot, "tb-950-sua.txt", notice(950, "công tác thi đua khen thưởng", year=2028))
    upload_bot.press(upload_bot.admin, second, button(second, "up:").rsplit(":", 1)[0] + ":rep")
    wait_edited(upload_bot, second, "✅ Đã nạp phiên bản 2")
    for prefix in ("pa:", "se:"):  # the old version's passages are history now
        query = upload_bot.press(member, old[-1], button(old[-1], prefix))
        gone = upload_bot.wait_callback_answer(query)
        assert gone["text"] == "Đoạn văn bản này không còn trong kho." and gone["show_alert"]
    current = upload_bot.ask(member, "Theo TB 950 đến hết năm nào văn bản về công tác thi đua khen thưởng được ký số?")
    assert "2028" in current[0]["html"]
    upload_bot.say(upload_bot.admin, "/remove 950-TB/TU")
    before = upload_bot.last_id(member["id"])
    for prefix in ("pa:", "se:", "ol:"):
        query = upload_bot.press(member, current[-1], button(current[-1], prefix))
        assert upload_bot.wait_callback_answer(query)["text"] == "Đoạn văn bản này không còn trong kho."
    assert upload_bot.last_id(member["id"]) == before  # nothing of the removed document was sent
    assert fake.rejected == []


def test_one_download_rule_for_answers_doc_and_the_button(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    member = nqbot.member(5011)
    question = "Làm thế nào để tải văn bản lên?"
    assert not has_button(nqbot.ask(member, question)[-1], "dl:")  # downloads are off
    (card,) = nqbot.say(member, "/doc 57-NQ/TW")
    assert not has_button(card, "dl:")
    answer = nqbot.ask(nqbot.admin, question)[-1]
    assert has_button(answer, "dl:")  # admins always may download, in answers too
    (admin_card,) = nqbot.say(nqbot.admin, "/doc 57-NQ/TW")
    assert has_button(admin_card, "dl:")
    nqbot.press(nqbot.admin, answer, button(answer, "dl:"))
    fake.wait_for(lambda: fake.uploaded_documents(nqbot.admin["id"]))
    assert fake.uploaded_documents(nqbot.admin["id"])[0][0] == "huong-dan-su-dung-nqbot.md"
    nqbot.say(nqbot.admin, "/downloads on")
    assert has_button(nqbot.ask(member, question)[-1], "dl:")
    assert fake.rejected == []


def test_admin_actions_are_audited_and_shown_with_audit(upload_bot: BotHarness) -> None:
    fake, admin = upload_bot.fake, upload_bot.admin
    person = fake.user(5020, "Thu", username="thu_au")
    upload_bot.say(person, "xin chào")
    upload_bot.say(admin, "/grant @thu_au")
    upload_bot.say(admin, "/revoke @thu_au")
    upload_bot.say(admin, "/invite 3 2")
    upload_bot.say(admin, "/downloads on")
    upload_bot.say(admin, "/downloads off")
    group = fake.group(-100520, "Chi bộ văn thư", members=[admin])
    upload_bot.say(admin, "/allowgroup", chat=group)
    confirmed = upload(upload_bot, "tb-960.txt", notice(960, "công tác văn thư lưu trữ"))
    upload_bot.press(admin, confirmed, button(confirmed, "up:"))
    wait_edited(upload_bot, confirmed, "✅ Đã nạp")
    cancelled = upload(upload_bot, "tb-961.txt", notice(961, "công tác bảo vệ chính trị nội bộ"))
    upload_bot.press(admin, cancelled, button(cancelled, "up:").rsplit(":", 1)[0] + ":no")
    wait_edited(upload_bot, cancelled, "Đã hủy")
    upload_bot.say(admin, "/groupdocs 960-TB/TU", chat=group)
    upload_bot.say(admin, "/disallowgroup", chat=group)
    upload_bot.say(admin, "/remove 960-TB/TU")
    member = upload_bot.member(5021)
    upload_bot.ask(member, "Làm thế nào để tải văn bản lên?")
    (log,) = upload_bot.say(admin, "/audit")
    lines = log["html"].split("\n")
    assert lines[0] == "<b>Nhật ký quản trị (11 mục gần nhất)</b>"
    actions = ["gỡ văn bản <b>960-TB/TU</b>", "tắt bot trong nhóm <b>Chi bộ văn thư (-100520)</b>",
               "giới hạn văn bản của nhóm <b>Chi bộ văn thư (-100520)</b> (960-TB/TU)",
               "hủy nạp tệp <b>tb-961.txt</b>", "xác nhận nạp tệp <b>tb-960.txt</b>",
               "bật bot cho nhóm <b>Chi bộ văn thư (-100520)</b>", "đặt quyền tải tệp gốc <b>off</b>",
               "đặt quyền tải tệp gốc <b>on</b>", "tạo mã mời", "thu hồi quyền <b>@thu_au (5020)</b> (thành viên)",
               "cấp quyền <b>@thu_au (5020)</b> (thành viên)"]
    assert len(lines[2:]) == len(actions)
    for line, action in zip(lines[2:], actions, strict=True):
        assert line.startswith("• ") and f" — @quantri ({admin['id']}): {action}" in line, (line, action)
    newest = upload_bot.store.audit_log(1)[0]
    assert lines[2].startswith(f"• {display_time(newest.at, upload_bot.engine.settings.zone)} — ")
    assert "tải văn bản lên" not in log["html"]  # questions never reach the audit log
    (two,) = upload_bot.say(admin, "/audit 2")
    assert len(two["html"].split("\n")) == 4
    upload_bot.say(admin, "/lang en")
    (english,) = upload_bot.say(admin, "/audit 1")
    assert english["html"].startswith("<b>Audit log (latest entry)</b>\n\n• ")
    assert english["html"].endswith(f"@quantri ({admin['id']}): removed a document <b>960-TB/TU</b> (#"
                                    f"{upload_bot.engine.resolve('960-TB/TU', include_removed=True).id})")  # type: ignore[union-attr]
    (usage,) = upload_bot.say(admin, "/audit many")
    assert usage["html"].startswith("Usage: /audit")
    assert "audit" in [c["command"] for c in fake.commands(scope_type="chat")]
    assert fake.rejected == []
