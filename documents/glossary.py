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
    # Party organisation, congresses and posts
    "党中央": "Trung ương Đảng", "党中央委员会": "Ban Chấp hành Trung ương Đảng", "全会": "Hội nghị Trung ương",
    "中央委员": "Ủy viên Ban Chấp hành Trung ương", "政治局委员": "Ủy viên Bộ Chính trị", "委员": "ủy viên",
    "常务委员会": "Ban Thường vụ", "常委": "Ban Thường vụ", "书记": "Bí thư", "副书记": "Phó Bí thư",
    "党建": "xây dựng Đảng", "代表大会": "đại hội", "党代会": "đại hội đảng", "党费": "đảng phí",
    "入党": "kết nạp Đảng", "中央检查委员会": "Ủy ban Kiểm tra Trung ương", "党员手册": "Sổ tay đảng viên",
    "支部生活": "sinh hoạt chi bộ", "组织生活": "sinh hoạt chi bộ", "简报": "bản tin", "宣教": "tuyên giáo",
    "民运": "dân vận", "宣传": "tuyên truyền", "越南祖国阵线": "Mặt trận Tổ quốc Việt Nam",
    "政治社会组织": "tổ chức chính trị - xã hội", "团体": "đoàn thể", "政治学院": "Học viện Chính trị",
    "胡志明国家政治学院": "Học viện Chính trị quốc gia Hồ Chí Minh", "同志": "đồng chí", "官员": "cán bộ",
    "党员干部": "cán bộ, đảng viên", "干部规划": "quy hoạch cán bộ", "后备干部": "quy hoạch cán bộ", "人事": "nhân sự",
    "职务": "chức vụ", "职位": "chức danh", "副职": "cấp phó", "正职": "cấp trưởng", "任期": "nhiệm kỳ",
    "连任": "tái cử", "担任": "giữ chức vụ", "候选人": "ứng cử", "停职": "tạm đình chỉ công tác",
    "卸任": "thôi giữ chức vụ", "兼职": "kiêm nhiệm", "调动": "điều động", "轮岗": "luân chuyển", "年龄": "tuổi",
    "岁": "tuổi", "提前退休": "nghỉ hưu trước tuổi", "办公厅主任": "Chánh Văn phòng", "中心主任": "Giám đốc trung tâm",
    "中央办公厅主任": "Chánh Văn phòng Trung ương Đảng", "政治中心主任": "Giám đốc trung tâm",
    "人力资源": "nguồn nhân lực", "人力": "nhân lực",
    # state bodies, posts and levels
    "国家": "Nhà nước", "国会常务委员会": "Ủy ban Thường vụ Quốc hội", "国会代表": "đại biểu Quốc hội",
    "总理": "Thủ tướng", "部长": "Bộ trưởng", "副部长": "Thứ trưởng", "主席": "Chủ tịch", "部委": "bộ, ngành",
    "部门": "bộ, ngành", "单位": "đơn vị", "事业单位": "đơn vị sự nghiệp", "公立": "công lập", "法院": "Tòa án",
    "检察院": "Viện kiểm sát", "司法": "tư pháp", "政权": "chính quyền", "直属": "trực thuộc",
    "胡志明市": "Thành phố Hồ Chí Minh", "胡志明": "Hồ Chí Minh", "地方": "địa phương", "省级": "cấp tỉnh",
    "县级": "cấp huyện", "乡级": "cấp xã", "基层": "cơ sở", "各级": "các cấp", "上级": "cấp trên", "同级": "cùng cấp",
    "乡镇": "xã", "军队": "quân đội", "武装力量": "lực lượng vũ trang", "公安": "công an", "祖国": "Tổ quốc",
    # people and society
    "民众": "người dân", "公民": "công dân", "劳动者": "người lao động", "少数民族": "dân tộc thiểu số",
    "民族": "dân tộc", "海外越南人": "người Việt Nam ở nước ngoài", "海外": "nước ngoài", "外国": "nước ngoài",
    "社会": "xã hội", "文化": "văn hóa", "民主": "dân chủ", "舆论": "dư luận", "社会批评": "phản biện xã hội",
    # documents and procedure
    "颁布": "ban hành", "发布": "ban hành", "印发": "ban hành", "公布": "công bố", "公开": "công khai", "签署": "ký",
    "盖章": "đóng dấu", "生效": "hiệu lực", "现行": "hiện hành", "议定": "nghị định",
    "法规": "văn bản quy phạm pháp luật", "规范性法律文件": "văn bản quy phạm pháp luật", "路线": "đường lối",
    "方针": "chủ trương", "战略": "chiến lược", "项目": "dự án", "课程": "chương trình", "专题": "chuyên đề",
    "附录": "phụ lục", "草案": "dự thảo", "呈文": "tờ trình", "公文": "công văn", "会议记录": "biên bản",
    "目录": "danh mục", "名单": "danh sách", "证书": "giấy chứng nhận", "结业": "hoàn thành chương trình",
    "副本": "bản sao", "批准": "phê duyệt", "审批": "phê duyệt", "审查": "xem xét", "审议": "xem xét",
    "征求意见": "lấy ý kiến", "意见": "ý kiến", "请示": "xin ý kiến", "建议": "đề xuất", "申请": "đề nghị",
    "依据": "căn cứ", "适用": "áp dụng", "适用范围": "phạm vi điều chỉnh", "手续": "thủ tục", "程序": "quy trình",
    "流程": "quy trình", "登记": "đăng ký", "复核": "phúc tra", "路线图": "lộ trình",
    # actions
    "协调": "phối hợp", "牵头": "chủ trì", "主管": "chủ quản", "职权": "thẩm quyền", "有权": "có thẩm quyền",
    "主管部门": "cấp có thẩm quyền", "部署": "triển khai", "开展": "triển khai", "推进": "thúc đẩy",
    "加强": "tăng cường", "提高": "nâng cao", "提升": "nâng cao", "完善": "hoàn thiện", "确保": "bảo đảm",
    "保障": "bảo đảm", "保护": "bảo vệ", "使用": "sử dụng", "共用": "dùng chung", "应用": "ứng dụng",
    "利用": "khai thác", "提供": "cung cấp", "接收": "tiếp nhận", "更新": "cập nhật", "互联互通": "liên thông",
    "评价": "đánh giá", "考核": "đánh giá", "统计": "thống kê", "传达": "phổ biến", "奖励": "khen thưởng",
    "处理": "xử lý", "解决": "giải quyết", "克服": "khắc phục", "违反": "vi phạm", "违规": "vi phạm",
    "违法": "vi phạm pháp luật", "招聘": "tuyển dụng", "分权": "phân quyền", "授权": "ủy quyền", "分级": "phân cấp",
    "成立": "thành lập", "重组": "sắp xếp", "调整": "điều chỉnh", "精简编制": "tinh giản biên chế", "撤销": "hủy bỏ",
    "收回": "thu hồi", "吸引": "thu hút", "鼓励": "khuyến khích", "支持": "hỗ trợ", "优先": "ưu tiên",
    "参加": "tham gia", "参与": "tham gia", "参谋": "tham mưu", "总结": "tổng kết", "初步总结": "sơ kết",
    "跟踪": "theo dõi", "督促": "đôn đốc", "遵守": "tuân thủ", "控制": "kiểm soát", "监察": "thanh tra",
    "转让": "chuyển giao", "编写": "biên soạn",
    # archives and records
    "档案馆": "lưu trữ lịch sử", "历史档案": "lưu trữ lịch sử", "现行档案": "lưu trữ hiện hành",
    "党的档案": "lưu trữ Đảng", "档案库": "kho lưu trữ", "库房": "kho lưu trữ", "文书": "văn thư", "卷宗": "hồ sơ",
    "全宗": "phông", "永久": "vĩnh viễn", "保存期限": "thời hạn lưu trữ", "保管": "bảo quản", "备份": "dự phòng",
    "载体": "vật mang tin", "归档": "nộp lưu", "移交": "giao nộp", "上交": "giao nộp", "销毁": "hủy",
    "解密": "giải mật", "保密": "bảo vệ bí mật", "查阅": "khai thác", "整理": "chỉnh lý", "鉴定": "xác định giá trị",
    "纸质": "giấy", "电子档案": "tài liệu điện tử", "来源": "nguồn",
    # economy, finance and development
    "经济": "kinh tế", "政治": "chính trị", "国防": "quốc phòng", "安全": "an toàn", "国防安全": "quốc phòng, an ninh",
    "对外": "đối ngoại", "外交": "đối ngoại", "国际": "quốc tế", "合作": "hợp tác", "国际一体化": "hội nhập quốc tế",
    "一体化": "hội nhập", "增长": "tăng trưởng", "竞争": "cạnh tranh", "生产": "sản xuất", "经营": "kinh doanh",
    "产品": "sản phẩm", "服务": "dịch vụ", "资源": "nguồn lực", "资金": "vốn", "税": "thuế", "优惠": "ưu đãi",
    "财政": "tài chính", "市场": "thị trường", "公共投资": "đầu tư công", "公私合作": "hợp tác công tư",
    "社会化": "xã hội hóa", "订购": "đặt hàng", "风险": "rủi ro", "补助": "trợ cấp", "收入": "thu nhập",
    "待遇": "chế độ", "系数": "hệ số", "定额": "định mức", "外资": "đầu tư trực tiếp nước ngoài",
    "投资环境": "môi trường đầu tư", "环境": "môi trường", "可持续": "bền vững", "现代化": "hiện đại hóa",
    "工业": "công nghiệp", "创业": "khởi nghiệp", "初创企业": "khởi nghiệp", "创新创业": "khởi nghiệp sáng tạo",
    "中小企业": "doanh nghiệp nhỏ và vừa", "崛起": "vươn mình", "新纪元": "kỷ nguyên mới", "新时代": "kỷ nguyên mới",
    # science, technology and data
    "国家数字化转型": "chuyển đổi số quốc gia", "信息技术": "công nghệ thông tin", "信息": "thông tin",
    "信息系统": "hệ thống thông tin", "数字技术": "công nghệ số", "数字平台": "nền tảng số",
    "数字基础设施": "hạ tầng số", "大数据": "dữ liệu lớn", "云计算": "điện toán đám mây", "物联网": "Internet vạn vật",
    "区块链": "chuỗi khối", "核心技术": "công nghệ cốt lõi", "核心": "cốt lõi", "高科技": "công nghệ cao",
    "高新技术": "công nghệ cao", "互联网": "Internet", "网络": "mạng", "电子": "điện tử", "软件": "phần mềm",
    "账户": "tài khoản", "认证": "xác thực", "电子身份": "định danh", "数字签名": "ký số", "生态系统": "hệ sinh thái",
    "科研": "nghiên cứu khoa học", "研究院": "viện nghiên cứu", "实验室": "phòng thí nghiệm",
    "科技企业": "doanh nghiệp công nghệ", "孵化": "ươm tạo", "数据中心": "trung tâm dữ liệu", "数字能力": "năng lực số",
    "在线": "trực tuyến", "线上": "trực tuyến", "试验": "thử nghiệm", "沙盒": "cơ chế thử nghiệm",
    # education and training
    "教育培训": "giáo dục và đào tạo", "教育体系": "hệ thống giáo dục", "国民教育体系": "hệ thống giáo dục quốc dân",
    "普通教育": "giáo dục phổ thông", "高中": "trung học phổ thông", "初中": "trung học cơ sở", "小学": "tiểu học",
    "幼儿园": "mầm non", "一贯制": "liên cấp", "职业教育": "giáo dục nghề nghiệp", "高等教育": "giáo dục đại học",
    "义务教育": "giáo dục bắt buộc", "终身学习": "học tập suốt đời", "学习型社会": "xã hội học tập", "学费": "học phí",
    "免费": "miễn phí", "奖学金": "học bổng", "教科书": "sách giáo khoa", "教材": "giáo trình",
    "师资": "đội ngũ nhà giáo", "设施": "cơ sở vật chất", "半寄宿": "bán trú", "寄宿": "nội trú", "自主": "tự chủ",
    "教育机构": "cơ sở giáo dục", "外语": "ngoại ngữ", "师范": "sư phạm", "大学生": "sinh viên", "学习者": "người học",
    "讲师": "giảng viên", "班主任": "chủ nhiệm lớp", "培训班": "lớp bồi dưỡng", "集训": "tập huấn", "讲课": "giảng dạy",
    "授课": "giảng dạy", "教案": "giáo án", "收获报告": "bài thu hoạch", "课时": "giờ chuẩn", "学时": "số tiết",
    "折算": "quy đổi", "阅卷": "chấm bài", "评语": "nhận xét", "学习成绩": "kết quả học tập", "素质": "phẩm chất",
    # law and governance
    "法律体系": "hệ thống pháp luật", "法律援助": "trợ giúp pháp lý", "法律框架": "hành lang pháp lý",
    "法律依据": "cơ sở pháp lý", "普法": "phổ biến, giáo dục pháp luật", "纠纷": "tranh chấp", "诉讼": "tố tụng",
    "行政": "hành chính", "行政改革": "cải cách hành chính", "法治": "pháp quyền", "法治国家": "Nhà nước pháp quyền",
    "社会主义法治国家": "Nhà nước pháp quyền xã hội chủ nghĩa", "治理": "quản trị", "权力": "quyền lực",
    "腐败": "tham nhũng", "反腐": "phòng, chống tham nhũng", "浪费": "lãng phí", "消极": "tiêu cực",
    "透明": "minh bạch", "问责": "trách nhiệm giải trình", "体制": "thể chế", "机制": "cơ chế", "瓶颈": "điểm nghẽn",
    "障碍": "rào cản", "权利": "quyền", "义务": "nghĩa vụ", "利益": "lợi ích", "所有权": "sở hữu",
    # ideas, qualities and question words
    "思想": "tư tưởng", "胡志明思想": "tư tưởng Hồ Chí Minh", "马克思列宁主义": "chủ nghĩa Mác - Lênin",
    "社会主义": "chủ nghĩa xã hội", "理论": "lý luận", "实践": "thực tiễn", "历史": "lịch sử", "党史": "lịch sử Đảng",
    "道德": "đạo đức", "质量": "chất lượng", "高质量": "chất lượng cao", "能力": "năng lực", "技能": "kỹ năng",
    "知识": "kiến thức", "标准": "tiêu chuẩn", "条件": "điều kiện", "要求": "yêu cầu", "需求": "nhu cầu",
    "模式": "mô hình", "进度": "tiến độ", "困难": "khó khăn", "不足": "hạn chế", "原因": "nguyên nhân",
    "责任": "trách nhiệm", "全面": "toàn diện", "定期": "định kỳ", "不定期": "đột xuất", "阶段": "giai đoạn",
    "比重": "tỉ trọng", "规模": "quy mô", "作用": "vai trò", "机遇": "thời cơ", "挑战": "thách thức",
    "动力": "động lực", "关键": "then chốt", "重点": "trọng điểm", "重点任务": "nhiệm vụ trọng tâm",
    "导向": "định hướng", "排名": "xếp hạng", "领先": "dẫn đầu", "地区": "khu vực", "全国": "toàn quốc",
    "最迟": "chậm nhất", "指标": "chỉ tiêu", "指数": "chỉ số",
    # law, records, meetings, schools
    "律师": "luật sư", "公职律师": "luật sư công", "法律专业": "pháp lý", "法学": "luật", "法官": "thẩm phán",
    "身份证": "căn cước", "护照": "hộ chiếu", "证件": "căn cước", "介绍信": "giấy giới thiệu",
    "出国": "ra nước ngoài", "国外": "nước ngoài", "境外": "nước ngoài",
    "视频会议": "họp trực tuyến", "线上会议": "họp trực tuyến", "网上": "trực tuyến",
    "理事会": "hội đồng", "学校理事会": "hội đồng trường", "精英": "tinh hoa",
}

_TERMS = re.compile("|".join(re.escape(term) for term in sorted(GLOSSARY, key=len, reverse=True)))
_YEAR = re.compile(r"((?:19|20)\d\d)年")


def bridge(question: str) -> list[str]:
    """Vietnamese terms for the Chinese words of ``question``, in order, each once ("2030年" → "năm 2030")."""
    found = [GLOSSARY[m.group(0)] for m in _TERMS.finditer(question)]
    found += [f"năm {m.group(1)}" for m in _YEAR.finditer(question)]
    return list(dict.fromkeys(found))
