"""A city-management bureau with the 96310 hotline (丽水市城市管理局举报投诉处置和回访制度)."""

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" '
    'rx="10" fill="#1d4ed8"/><path d="M10 36V22l8-5v19m2 0V12l10 5v19m2 0V24l6 3v9z" '
    'fill="#fff"/></svg>'
)

PRESET = {
    "slug": "city",
    "name": "丽水市城市管理局",
    "primary_color": "#1d4ed8",
    "logo_svg": LOGO,
    "letterhead": "丽水市城市管理局 96310 城管服务热线指挥中心",
    "duty_contact_name": "指挥中心网络受理员",
    "duty_contact_phone": "96310",
    "case_prefix": "CG",
    "settings": {
        # CITY-1: hotline calls, walk-in visits, petition letters, web complaints.
        "channels": ["web", "hotline", "walk_in", "letter"],
        # Stage time limits: hotline cases are dispatched within 3 minutes (CITY-4), round the
        # clock; the handler reaches the scene within the set time (CITY-8).
        "deadlines": {
            "acceptance": {"value": 24, "unit": "hours"},
            "dispatch": {"value": 1, "unit": "working_days"},
            "first_contact": {"value": 24, "unit": "hours"},
            "result": {"value": 5, "unit": "working_days"},
            "revisit": {"value": 3, "unit": "calendar_days"},
            "special_measures": {"value": 24, "unit": "hours"},
            "rectification": {"value": 10, "unit": "working_days"},
        },
        # Petition letters (信访件) run on calendar days: accepted within 15 days of arrival,
        # finished within 60, extended by at most 30.
        "deadline_overrides": [
            {"stage": "dispatch", "channel": "hotline", "value": 3, "unit": "minutes"},
            {"stage": "acceptance", "channel": "letter", "value": 15, "unit": "calendar_days"},
            {"stage": "result", "channel": "letter", "value": 60, "unit": "calendar_days"},
            {"stage": "extension", "channel": "letter", "value": 30, "unit": "calendar_days"},
        ],
        "business_hours": "24/7",
        "letter": {
            "ack_title": "举报投诉受理告知书",
            "ack_opening": "您好!您反映的问题已由 96310 城管服务热线受理,"
            "我们将按规定转交责任单位处置。",
            "ack_closing": "处置完成后我们将及时向您反馈并进行回访。感谢您对城市管理工作的关心和支持。",
        },
    },
    "departments": [
        ("command", "指挥中心"),
        ("liandu", "莲都区执法中队"),
        ("sanitation", "环境卫生管理处"),
        ("municipal", "市政设施管理处"),
        ("parks", "园林绿化管理处"),
    ],
    "categories": [
        ("vendors", "占道经营", "liandu"),
        ("construction", "违章搭建", "liandu"),
        ("noise", "噪声扰民", "liandu"),
        ("sanitation", "环境卫生", "sanitation"),
        ("roads", "道路与市政设施", "municipal"),
        ("greenery", "园林绿化", "parks"),
        ("advice", "咨询与建议", "command"),
    ],
    "users": [
        ("admin", "叶文华", "admin", None),
        ("desk", "潘晓燕", "intake", "command"),
        ("cmd_head", "卢建平", "dept_head", "command"),
        ("ld_head", "金海涛", "dept_head", "liandu"),
        ("ld_zhang", "章志远", "handler", "liandu"),
        ("san_lu", "陆佳", "handler", "sanitation"),
        ("super", "雷振华", "supervisor", None),
    ],
    "demo_cases": [
        {
            "category": "vendors",
            "channel": "hotline",
            "name": "叶先生",
            "phone": "13957801234",
            "location": "莲都区 解放街与中山街交叉口",
            "description": "每天傍晚有流动摊贩占用人行道"
            "摆摊卖烧烤,油烟大,行人只能走机动车道,存在安全隐患。",
            "stage": "closed",
            "handler": "ld_zhang",
        },
        {
            "category": "sanitation",
            "channel": "web",
            "name": "周女士",
            "phone": "13857805678",
            "email": "zhou@example.com",
            "location": "白云小区 3 幢东侧垃圾房",
            "description": "垃圾房三天没有清运,气味很大,引来很多苍蝇。",
            "stage": "awaiting_revisit",
            "handler": "san_lu",
        },
        {
            "category": "noise",
            "channel": "hotline",
            "name": "王先生",
            "phone": "13757809012",
            "location": "丽阳街 56 号 工地",
            "description": "工地夜间 11 点后仍在施工,打桩声音很大,严重影响周边居民休息。",
            "stage": "dispatched",
            "handler": "ld_zhang",
        },
        {
            "category": "roads",
            "channel": "letter",
            "name": "李女士",
            "phone": "13657803456",
            "location": "紫金路 人行道",
            "description": "人行道多块地砖松动翘起,雨天踩上去会溅水,老人容易绊倒。",
            "received_days_ago": 2,  # a letter registered two days after it arrived
            "stage": "accepted",
            "handler": None,
        },
    ],
}
