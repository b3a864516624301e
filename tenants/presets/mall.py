"""A shopping mall's complaint rules (商场投诉处理工作制度, MALL-1..8)."""

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" '
    'rx="10" fill="#c2410c"/><path d="M12 20h24l-2 18H14z" fill="#fff"/><path d="M18 20a6 6 0 0 1 '
    '12 0" stroke="#fff" stroke-width="3" fill="none"/></svg>'
)

PRESET = {
    "slug": "mall",
    "name": "星河广场购物中心",
    "primary_color": "#c2410c",
    "logo_svg": LOGO,
    "letterhead": "星河广场购物中心 客户服务部 · 地址:滨江路 88 号 · 服务热线 0571-8888 6666",
    "duty_contact_name": "客服部值班台",
    "duty_contact_phone": "0571-8888 6666",
    "case_prefix": "XH",
    "settings": {
        # MALL-2: phone, in person, email, web platform.
        "channels": ["web", "phone", "walk_in", "email"],
        # Stage time limits (editable by the tenant admin): CO-2, CO-4, PROP-9.
        "deadlines": {
            # CO-2: accepted within 24 hours of arrival; PROP-12: special measures within 24 hours
            # of a repeat complaint; rectification (CO-6) has no number in the rules: 10 working days.
            "acceptance": {"value": 24, "unit": "hours"},
            "dispatch": {"value": 24, "unit": "hours"},
            "first_contact": {"value": 1, "unit": "working_days"},
            "result": {"value": 5, "unit": "working_days"},
            "revisit": {"value": 3, "unit": "calendar_days"},
            "special_measures": {"value": 24, "unit": "hours"},
            "rectification": {"value": 10, "unit": "working_days"},
        },
        # Safety complaints go to Security within 2 hours; urgent ones are answered sooner.
        "deadline_overrides": [
            {"stage": "dispatch", "category": "safety", "value": 2, "unit": "hours"},
            {"stage": "result", "priority": "urgent", "value": 2, "unit": "working_days"},
        ],
        "letter": {
            "ack_title": "投诉受理确认函",
            "ack_opening": "尊敬的顾客:您好!感谢您对本商场的信任与监督。您的投诉我们已正式受理,"
            "现将受理情况告知如下。",
            "ack_closing": "我们将本着公平、公正、公开的原则及时处理,并在答复期限内将处理结果告知您。"
            "如有疑问,请凭受理编号与我们联系。",
        },
    },
    # MALL-4: category → responsible department; Customer Service coordinates.
    "departments": [
        ("cs", "客服部"),
        ("ops", "运营部"),
        ("security", "安保部"),
        ("finance", "财务部"),
    ],
    "categories": [
        ("product", "商品质量", "ops"),
        ("service", "服务质量", "cs"),
        ("price", "价格问题", "finance"),
        ("safety", "安全保卫", "security"),
        ("other", "其他", "cs"),
    ],
    "users": [
        ("admin", "林嘉怡", "admin", None),
        ("desk", "王晓雯", "intake", "cs"),
        ("cs_head", "陈志强", "dept_head", "cs"),
        ("ops_head", "赵立新", "dept_head", "ops"),
        ("ops_li", "李明", "handler", "ops"),
        ("cs_zhou", "周婷", "handler", "cs"),
        ("super", "孙建国", "supervisor", None),
    ],
    "demo_cases": [
        {
            "category": "product",
            "channel": "web",
            "name": "张伟",
            "phone": "13812345678",
            "email": "zhangwei@example.com",
            "location": "三楼 童装区 312 店铺",
            "description": "11月20日在312店铺购买的儿童羽绒服,穿了两次拉链就脱落,店员拒绝退换,"
            "称已过七天无理由期限。要求按质量问题退货。",
            "stage": "closed",
            "handler": "ops_li",
        },
        {
            "category": "service",
            "channel": "walk_in",
            "name": "刘芳",
            "phone": "13900001111",
            "location": "一楼 服务台",
            "description": "服务台工作人员态度冷淡,咨询停车优惠时被不耐烦地打断,希望加强员工培训。",
            "stage": "awaiting_revisit",
            "handler": "cs_zhou",
            # CO-6: the unit at fault is ordered to rectify, supervised until done.
            "rectify": ("cs", "服务台全员重新学习服务规范,一周内完成考核并报客服部经理。"),
        },
        {
            "category": "safety",
            "channel": "phone",
            "name": "黄磊",
            "phone": "13700002222",
            "location": "地下二层停车场 B 区",
            "description": "停车场 B 区照明有多处灯不亮,晚上取车时很暗,担心安全隐患。",
            "stage": "in_progress",
            "handler": None,
        },
        {
            "category": "price",
            "channel": "web",
            "name": "吴静",
            "phone": "13600003333",
            "email": "wujing@example.com",
            "location": "二楼 化妆品专柜",
            "description": "专柜标价 399 元,结账时收了 459 元,收银员说系统价格未更新。要求退还差价。",
            "stage": "accepted",
            "handler": None,
        },
        {
            # PROP-12: the same defect reported again; special measures within 24 hours.
            "category": "safety",
            "channel": "phone",
            "name": "黄磊",
            "phone": "13700002222",
            "location": "地下二层停车场 B 区",
            "description": "第二次反映:停车场 B 区的灯仍然不亮,昨晚有人在暗处摔倒,请尽快处理。",
            "stage": "dispatched",
            "handler": None,
            "repeat_of": 2,
        },
    ],
}
