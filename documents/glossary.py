"""A Chinese–Vietnamese glossary of Party and state terms: the bridge for Chinese questions over Vietnamese texts.

The keyword index cannot match Chinese words against Vietnamese text (no shared script), and the multilingual
embedder places a Chinese question less close to the Vietnamese passage than a Vietnamese one. So the
Vietnamese terms of the Chinese words a question uses are added to it (:func:`bridge`): "第57号决议到2030年
数字经济占GDP多少？" also reads "nghị quyết; năm 2030; kinh tế số; GDP". Longer Chinese terms are matched
first ("数字化转型" before "转型").
"""

from __future__ import annotations

import re

#: Chinese term → Vietnamese, as the texts write it.
GLOSSARY: dict[str, str] = {
    # documents and bodies
    "决议": "nghị quyết", "结论": "kết luận", "规定": "quy định", "决定": "quyết định", "指示": "chỉ thị",
    "指导文件": "hướng dẫn", "指南": "hướng dẫn", "通知": "thông báo", "通报": "thông báo", "法令": "nghị định",
    "法律": "pháp luật", "宪法": "Hiến pháp", "党章": "Điều lệ Đảng", "条例": "quy chế", "规章": "quy chế",
    "计划": "kế hoạch", "提案": "đề án", "方案": "đề án", "文件": "văn bản",
    "政治局": "Bộ Chính trị", "书记处": "Ban Bí thư", "中央执行委员会": "Ban Chấp hành Trung ương",
    "中央委员会": "Ban Chấp hành Trung ương", "中央": "Trung ương", "总书记": "Tổng Bí thư",
    "常务书记": "Thường trực Ban Bí thư", "政府": "Chính phủ", "国会": "Quốc hội", "国家主席": "Chủ tịch nước",
    "省委": "tỉnh ủy", "市委": "thành ủy", "党委": "đảng ủy", "党组": "ban cán sự đảng", "党支部": "chi bộ",
    "支部": "chi bộ", "基层党组织": "tổ chức cơ sở đảng", "党组织": "tổ chức đảng", "党员": "đảng viên",
    "党": "Đảng", "越南共产党": "Đảng Cộng sản Việt Nam", "组织部": "Ban Tổ chức",
    "中央组织部": "Ban Tổ chức Trung ương",
    "宣教与民运部": "Ban Tuyên giáo và Dân vận", "宣教部": "Ban Tuyên giáo", "办公厅": "Văn phòng",
    "中央办公厅": "Văn phòng Trung ương Đảng", "检查委员会": "Ủy ban Kiểm tra", "祖国阵线": "Mặt trận Tổ quốc",
    "指导委员会": "Ban Chỉ đạo", "委员会": "Ban", "人民委员会": "Ủy ban nhân dân", "人民议会": "Hội đồng nhân dân",
    "部": "Bộ", "内务部": "Bộ Nội vụ", "财政部": "Bộ Tài chính", "教育培训部": "Bộ Giáo dục và Đào tạo",
    "科技部": "Bộ Khoa học và Công nghệ", "公安部": "Bộ Công an", "国防部": "Bộ Quốc phòng", "司法部": "Bộ Tư pháp",
    "政治中心": "Trung tâm chính trị", "报告员": "báo cáo viên", "宣传员": "tuyên truyền viên",
    # people and posts
    "干部": "cán bộ", "公务员": "công chức", "职员": "viên chức", "公职人员": "cán bộ, công chức, viên chức",
    "领导": "lãnh đạo", "管理": "quản lý", "主任": "Trưởng Ban", "组长": "Trưởng Ban", "负责人": "người đứng đầu",
    "学员": "học viên", "教师": "nhà giáo", "老师": "giáo viên", "学生": "học sinh", "人才": "nhân tài",
    "科学家": "nhà khoa học", "人民": "Nhân dân", "群众": "Nhân dân", "企业": "doanh nghiệp", "企业家": "doanh nhân",
    # actions
    "取代": "thay thế", "替代": "thay thế", "废止": "bãi bỏ", "修改": "sửa đổi", "补充": "bổ sung",
    "实施": "thực hiện", "落实": "thực hiện", "执行": "thi hành", "贯彻": "quán triệt", "学习": "học tập",
    "指导": "chỉ đạo", "主持": "chủ trì", "配合": "phối hợp", "负责": "chịu trách nhiệm", "检查": "kiểm tra",
    "监督": "giám sát", "评估": "đánh giá", "规划": "quy hoạch", "任命": "bổ nhiệm", "推荐": "giới thiệu",
    "选举": "bầu cử", "培训": "đào tạo", "培养": "bồi dưỡng", "进修": "bồi dưỡng", "教学": "giảng dạy",
    "合并": "sáp nhập", "精简": "tinh gọn", "安排": "sắp xếp", "整合": "hợp nhất", "共享": "chia sẻ",
    "连接": "kết nối", "保存": "lưu trữ", "存档": "lưu trữ", "数字化": "số hóa", "投资": "đầu tư",
    "建设": "xây dựng", "发展": "phát triển", "完成": "hoàn thành", "报告": "báo cáo", "提交": "trình",
    "纪律处分": "kỷ luật", "纪律": "kỷ luật", "退休": "nghỉ hưu", "辞职": "từ chức", "免职": "miễn nhiệm",
    "试点": "thí điểm", "收费": "thu phí", "突破": "đột phá", "改革": "cải cách", "创新": "đổi mới sáng tạo",
    # subjects
    "科技": "khoa học, công nghệ", "科学技术": "khoa học và công nghệ", "科学": "khoa học", "技术": "công nghệ",
    "数字化转型": "chuyển đổi số", "数字转型": "chuyển đổi số", "数字经济": "kinh tế số", "数字政府": "Chính phủ số",
    "数字社会": "xã hội số", "数据": "dữ liệu", "数据库": "cơ sở dữ liệu", "人工智能": "trí tuệ nhân tạo",
    "半导体": "bán dẫn", "网络安全": "an ninh mạng", "网络空间": "không gian mạng", "基础设施": "hạ tầng",
    "研发": "nghiên cứu phát triển", "研究": "nghiên cứu", "风险投资": "đầu tư mạo hiểm", "基金": "quỹ",
    "知识产权": "sở hữu trí tuệ", "专利": "sáng chế", "在线公共服务": "dịch vụ công trực tuyến",
    "公共服务": "dịch vụ công", "电子政务": "Chính phủ điện tử", "平台": "nền tảng",
    "教育": "giáo dục", "教育和培训": "giáo dục và đào tạo", "学校": "trường", "寄宿学校": "trường nội trú",
    "大学": "đại học", "学前教育": "giáo dục mầm non", "普及": "phổ cập", "英语": "tiếng Anh", "课本": "sách giáo khoa",
    "立法": "xây dựng pháp luật", "执法": "thi hành pháp luật", "私营经济": "kinh tế tư nhân",
    "民营经济": "kinh tế tư nhân", "国有企业": "doanh nghiệp nhà nước", "档案": "lưu trữ", "档案全宗": "phông lưu trữ",
    "资料": "tài liệu", "档案资料": "tài liệu lưu trữ", "机密": "bí mật", "国家机密": "bí mật nhà nước",
    "组织机构": "tổ chức bộ máy", "机构": "bộ máy", "政治体系": "hệ thống chính trị", "机关": "cơ quan",
    "行政单位": "đơn vị hành chính", "地方政府": "chính quyền địa phương", "两级": "hai cấp", "省": "tỉnh",
    "县": "huyện", "乡": "xã", "坊": "phường", "特区": "đặc khu", "边境": "biên giới", "陆地边境": "biên giới đất liền",
    "预算": "ngân sách", "国家预算": "ngân sách nhà nước", "总支出": "tổng chi", "支出": "chi", "经费": "kinh phí",
    "工资": "lương", "补贴": "phụ cấp", "津贴": "phụ cấp", "政策": "chính sách", "制度": "chế độ", "编制": "biên chế",
    "国内生产总值": "GDP", "比例": "tỷ lệ", "百分之": "phần trăm", "至少": "tối thiểu", "最多": "tối đa",
    # parts of a resolution
    "目标": "mục tiêu", "任务": "nhiệm vụ", "解决方案": "giải pháp", "措施": "giải pháp", "办法": "giải pháp",
    "观点": "quan điểm", "指导观点": "quan điểm chỉ đạo", "愿景": "tầm nhìn", "组织实施": "tổ chức thực hiện",
    "原则": "nguyên tắc", "范围": "phạm vi", "对象": "đối tượng", "适用对象": "đối tượng áp dụng",
    "职责": "trách nhiệm",
    "职能": "chức năng", "权限": "quyền hạn", "期限": "thời hạn", "截止": "thời hạn", "时间": "thời gian",
    "每年": "hằng năm", "会议": "hội nghị", "办公": "văn phòng", "工作会议": "hội nghị công tác", "发言稿": "tham luận",
    "常设": "thường trực", "小组": "tổ", "答复": "giải đáp", "效力": "hiệu lực",
}

_TERMS = re.compile("|".join(re.escape(term) for term in sorted(GLOSSARY, key=len, reverse=True)))
_YEAR = re.compile(r"((?:19|20)\d\d)年")


def bridge(question: str) -> list[str]:
    """Vietnamese terms for the Chinese words of ``question``, in order, each once ("2030年" → "năm 2030")."""
    found = [GLOSSARY[m.group(0)] for m in _TERMS.finditer(question)]
    found += [f"năm {m.group(1)}" for m in _YEAR.finditer(question)]
    return list(dict.fromkeys(found))
