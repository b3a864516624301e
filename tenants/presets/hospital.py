"""A hospital's complaint reception rules (医院投诉处理制度及程序, HOSP-1..12)."""

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" '
    'rx="10" fill="#0f766e"/><path d="M20 10h8v10h10v8H28v10h-8V28H10v-8h10z" fill="#fff"/></svg>'
)

PRESET = {
    "slug": "hospital",
    "name": "仁和市第一人民医院",
    "primary_color": "#0f766e",
    "logo_svg": LOGO,
    "letterhead": "仁和市第一人民医院 投诉接待处 · 门诊楼一层东侧 · 电话 0571-8765 4321",
    "duty_contact_name": "投诉接待处",
    "duty_contact_phone": "0571-8765 4321",
    "case_prefix": "RH",
    "settings": {
        # HOSP-2: hotline, email, complaint box, letters, reception desk.
        "channels": ["web", "phone", "walk_in", "letter", "email", "complaint_box"],
        # Stage time limits (HOSP-7: result notice within the set time).
        "deadlines": {
            # Counted in working time: the reception desk keeps office hours (HOSP-2, HOSP-3).
            "acceptance": {"value": 1, "unit": "working_days"},
            "dispatch": {"value": 1, "unit": "working_days"},
            "first_contact": {"value": 1, "unit": "working_days"},
            "result": {"value": 5, "unit": "working_days"},
            "revisit": {"value": 7, "unit": "calendar_days"},
            "special_measures": {"value": 1, "unit": "working_days"},
            "rectification": {"value": 10, "unit": "working_days"},
        },
        "business_hours": "08:00-17:30",
        "letter": {
            "ack_title": "投诉受理回执",
            "ack_opening": "尊敬的患者(家属):您好!您的投诉已由我院投诉接待处受理,"
            "受理编号及受理时间如下,请妥善保存。",
            "ack_closing": "我院将组织相关科室认真调查核实,并在规定时间内将处理意见告知您。"
            "感谢您对医院工作的监督与支持。",
        },
    },
    "departments": [
        ("reception", "投诉接待处"),
        ("medical", "医务科"),
        ("nursing", "护理部"),
        ("outpatient", "门诊部"),
        ("logistics", "后勤保障科"),
    ],
    "categories": [
        ("treatment", "诊疗质量", "medical"),
        ("nursing", "护理服务", "nursing"),
        ("attitude", "服务态度", "outpatient"),
        ("waiting", "就诊流程与等候", "outpatient"),
        ("billing", "收费问题", "outpatient"),
        ("environment", "环境与后勤", "logistics"),
        ("other", "其他", "reception"),
    ],
    "users": [
        ("admin", "郑丽华", "admin", None),
        ("desk", "何晓梅", "intake", "reception"),
        ("med_head", "钱国栋", "dept_head", "medical"),
        ("opd_head", "冯秀兰", "dept_head", "outpatient"),
        ("opd_wu", "吴昊", "handler", "outpatient"),
        ("nurse_xu", "徐敏", "handler", "nursing"),
        ("super", "蒋文博", "supervisor", None),
    ],
    "demo_cases": [
        {
            "category": "waiting",
            "channel": "web",
            "name": "陈晨",
            "phone": "13511112222",
            "email": "chenchen@example.com",
            "location": "门诊楼三楼 内科候诊区",
            "description": "上午 8 点挂的内科号,等到 11 点半还没叫号,询问导诊台也说不清楚,"
            "期间有人插队。希望改进叫号系统。",
            "stage": "closed",
            "handler": "opd_wu",
        },
        {
            "category": "nursing",
            "channel": "walk_in",
            "name": "杨帆",
            "phone": "13622223333",
            "location": "住院部 7 楼 心内科病区",
            "description": "夜间按呼叫铃二十分钟无人应答,老人输液管回血,家属非常着急。",
            "stage": "in_progress",
            "handler": "nurse_xu",
        },
        {
            "category": "billing",
            "channel": "letter",
            "name": "许强",
            "phone": "13733334444",
            "location": "门诊收费处",
            "description": "同一项血常规检查被重复收费两次,共 50 元,请核实并退费。",
            "received_days_ago": 2,  # a letter registered two days after it arrived
            "stage": "dispatched",
            "handler": "opd_wu",
        },
        {
            "category": "environment",
            "channel": "web",
            "name": "马丽",
            "phone": "13844445555",
            "location": "门诊楼二楼卫生间",
            "description": "二楼女卫生间长期有异味,洗手液经常没有补充。",
            "stage": "accepted",
            "handler": None,
        },
    ],
}
