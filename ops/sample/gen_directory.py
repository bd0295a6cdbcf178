#!/usr/bin/env python3
"""Generates realistic synthetic directories for Suiji: employers (targets), inspectors and
an item list, as CSV in UTF-8 (with BOM, like Excel's "CSV UTF-8") or GB18030 (like Excel's
plain "CSV" on Chinese Windows).

Real GB/T 2260 region codes of real jurisdictions (Changzhou 3204xx, Yuanshi County 130132,
Beijing Chaoyang 110105, Changsha 4301xx), real GB/T 4754-2017 industry classes, valid
GB 32100-2015 credit codes (with valid GB 11714 organisation-code check characters),
skewed headcounts (most small, a few large), a realistic credit-grade mix, some blacklisted
employers, harmonious-enterprise stars and complaint counts. Deterministic for a seed.

  gen_directory.py --out DIR [--targets N] [--inspectors M] [--seed S] [--encoding gb18030]
  gen_directory.py --mutate targets.csv --fraction 0.05 --out DIR   (an updated re-import file)
"""
import argparse
import csv
import io
import os
import random

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# (region code, org id of the owning bureau, name prefix)
JURISDICTIONS = [
    ("320402", "320400", "常州市天宁区"), ("320404", "320400", "常州市钟楼区"),
    ("320411", "320400", "常州市新北区"), ("320412", "320400", "常州市武进区"),
    ("320413", "320400", "常州市金坛区"), ("320481", "320400", "溧阳市"),
    ("130132", "130132", "元氏县"),
    ("110105", "110105", "北京市朝阳区"),
    ("430102", "430100", "长沙市芙蓉区"), ("430103", "430100", "长沙市天心区"),
    ("430104", "430100", "长沙市岳麓区"), ("430105", "430100", "长沙市开福区"),
    ("430111", "430100", "长沙市雨花区"),
]
REGION_WEIGHTS = [10, 8, 12, 14, 5, 5, 6, 14, 6, 5, 6, 5, 4]

# Real GB/T 4754-2017 classes: (code, word used in the company name)
INDUSTRIES = [
    ("1819", "服装"), ("1951", "鞋业"), ("2211", "纸业"), ("2641", "涂料"),
    ("3311", "钢结构"), ("3411", "锅炉"), ("3484", "机械"), ("3670", "汽车零部件"),
    ("3821", "电机"), ("3982", "电子元件"), ("4710", "建筑"), ("4812", "公路工程"),
    ("5121", "食品批发"), ("5211", "百货"), ("5411", "公交"), ("5612", "快递"),
    ("6110", "酒店"), ("6210", "餐饮"), ("6513", "软件"), ("7010", "房地产"),
    ("7211", "企业管理"), ("7281", "会展"), ("8010", "家政服务"), ("8521", "保洁"),
]
INDUSTRY_WEIGHTS = [6, 2, 2, 2, 4, 3, 6, 5, 3, 5, 14, 3, 3, 5, 1, 3, 3, 8, 4, 4, 4, 1, 2, 3]
BRAND = "恒瑞华泰鑫源宏达盛通博远金科新创永信安康弘毅腾飞嘉禾中鼎天成汇丰凯旋龙城常青润泽远航"
SUFFIX = ["有限公司", "有限责任公司", "股份有限公司", "厂", "有限公司", "有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玉兰海燕俊峰斌鹏"
DOMAINS = ["劳动用工", "工资支付", "社会保险", "工时休假", "女职工和未成年工保护", "人力资源市场"]
SPECIALTIES = ["建筑业", "制造业", "餐饮服务业", "劳务派遣", "职业中介", "欠薪处置", "社保稽核"]
BLACKLISTS = ["拖欠农民工工资失信联合惩戒对象名单", "重大劳动保障违法行为社会公布名单"]
INSPECTOR_ORGS = [("320400", "320400"), ("130132", "130132"), ("110105", "110105"), ("430100", "430100")]


def org_check(body8):
    s = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS))
    c = 11 - s % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def uscc(region, rng):
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region + body + org_check(body)
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_ALPHABET[(31 - s % 31) % 31]


def headcount(rng):
    # Log-normal: median ~40, long tail to a few thousand; at least 8 (the CZ threshold).
    return max(8, min(20000, int(rng.lognormvariate(3.7, 1.1))))


def grade(rng):
    r = rng.random()
    return "A" if r < 0.18 else "B" if r < 0.86 else "C" if r < 0.94 else ""


def date(rng, y0, y1):
    return "%04d-%02d-%02d" % (rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28))


TARGET_HEADER = ["统一社会信用代码", "单位名称", "行政区划代码", "行业代码", "职工人数",
                 "劳动保障守法诚信等级", "等级评定日期", "是否列入黑名单", "黑名单名称",
                 "列入日期", "移出日期", "和谐劳动关系星级", "投诉举报次数", "状态", "所属机构"]


def target_row(rng, seen, only_org=None):
    pool = [(j, w) for j, w in zip(JURISDICTIONS, REGION_WEIGHTS) if only_org in (None, j[1])]
    (region, org, prefix), = rng.choices([j for j, _ in pool], [w for _, w in pool])
    (industry, word), = rng.choices(INDUSTRIES, INDUSTRY_WEIGHTS)
    code = uscc(region, rng)
    while code in seen:
        code = uscc(region, rng)
    seen.add(code)
    name = prefix + "".join(rng.sample(BRAND, 2)) + word + rng.choice(SUFFIX)
    g = grade(rng)
    bl = rng.random() < (0.08 if g == "C" else 0.005)
    stars = 0 if rng.random() < 0.85 else rng.choice([1, 2, 3, 3, 4, 5])
    complaints = min(50, int(rng.expovariate(1.5))) if rng.random() < 0.3 else 0
    return [code, name, region, industry, str(headcount(rng)), g,
            date(rng, 2022, 2025) if g else "", "是" if bl else "否",
            rng.choice(BLACKLISTS) if bl else "", date(rng, 2023, 2025) if bl else "", "",
            str(stars), str(complaints), "正常", org]


def write(path, header, rows, encoding):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue()
    with open(path, "wb") as f:
        if encoding == "gb18030":
            f.write(data.encode("gb18030"))
        else:
            f.write(b"\xef\xbb\xbf" + data.encode("utf-8"))


def read(path):
    raw = open(path, "rb").read()
    text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--targets", type=int, default=2000)
    ap.add_argument("--inspectors", type=int, default=120)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--encoding", choices=["utf-8", "gb18030"], default="utf-8")
    ap.add_argument("--mutate", help="an existing targets CSV to derive an updated version from")
    ap.add_argument("--fraction", type=float, default=0.05)
    ap.add_argument("--only-org", help="only employers and inspectors of this org unit (e.g. 320400)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    if a.mutate:
        header, rows = read(a.mutate)
        seen = {r[0] for r in rows}
        n_change = int(len(rows) * a.fraction)
        idx = rng.sample(range(len(rows)), n_change)
        for k, i in enumerate(idx):
            r = rows[i]
            kind = k % 5
            if kind == 0:
                r[4] = str(max(8, int(r[4]) + rng.randint(-5, 30)))     # headcount moves
            elif kind == 1:
                r[12] = str(int(r[12]) + 1)                            # a new complaint
            elif kind == 2:
                r[5], r[6] = rng.choice(["A", "B", "C"]), "2026-04-01"  # re-graded
            elif kind == 3:
                r[13] = "注销"                                         # deregistered
            else:
                r[1] = r[1].replace("有限公司", "科技有限公司", 1) if "有限公司" in r[1] else r[1] + "（更名）"
        orgs = sorted({r[14] for r in rows})
        rows += [target_row(rng, seen, rng.choice(orgs)) for _ in range(max(1, n_change // 5))]
        out = os.path.join(a.out, "targets-updated.csv")
        write(out, header, rows, a.encoding)
        print(out, len(rows), "rows,", n_change, "changed")
        return

    seen = set()
    write(os.path.join(a.out, "targets.csv"), TARGET_HEADER,
          (target_row(rng, seen, a.only_org) for _ in range(a.targets)), a.encoding)

    inspectors = []
    inspector_orgs = [o for o in INSPECTOR_ORGS if a.only_org in (None, o[0])]
    for i in range(a.inspectors):
        org, region = inspector_orgs[i % len(inspector_orgs)]
        expert = i % 10 == 9
        ident = ("ZJ" if expert else "") + "%s%04d%05d" % (org[:4], 2020 + i % 6, i)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
        domains = [] if expert else rng.sample(DOMAINS, rng.randint(1, 3))
        inspectors.append([ident, name, "；".join(domains), "、".join(rng.sample(SPECIALTIES, rng.randint(0, 2))),
                           org, region, "在岗" if rng.random() < 0.95 else "暂停", "是" if expert else "否"])
    write(os.path.join(a.out, "inspectors.csv"),
          ["执法证号", "姓名", "执法领域", "业务专长", "所属机构", "行政区划代码", "状态", "是否辅助人员"],
          inspectors, a.encoding)

    items = [
        ["HRSS-01", "用人单位遵守劳动合同制度情况", "劳动保障监察机构", "《劳动合同法》第七条、第十条；《劳动保障监察条例》第十一条",
         "书面劳动合同签订、职工名册建立情况", "实地检查", "一般", "是否依法签订书面劳动合同；是否建立职工名册", "劳动保障监察支队"],
        ["HRSS-02", "用人单位支付工资情况", "劳动保障监察机构", "《劳动保障监察条例》第十一条；《保障农民工工资支付条例》",
         "按时足额支付工资、最低工资标准执行情况", "实地检查", "重点", "是否按时足额支付工资；是否低于最低工资标准；是否设立农民工工资专用账户", "劳动保障监察支队"],
        ["HRSS-03", "用人单位参加社会保险情况", "社会保险经办机构", "《社会保险法》第五十八条、第六十条",
         "社会保险登记、缴费情况", "书面检查", "一般", "是否依法办理社会保险登记；是否按时足额缴费", "社会保险基金监督处"],
        ["HRSS-04", "用人单位遵守工作时间和休息休假规定情况", "劳动保障监察机构", "《劳动法》第三十六条、第四十一条",
         "工时制度、加班加点情况", "实地检查", "一般", "延长工作时间是否超过法定上限；特殊工时是否经过审批", "劳动保障监察支队"],
        ["HRSS-05", "人力资源服务机构遵守市场管理规定情况", "人力资源市场管理机构", "《人力资源市场暂行条例》第四十二条",
         "许可、备案及经营活动情况", "网络检查", "一般", "是否取得人力资源服务许可证；是否发布虚假招聘信息", "人力资源流动管理处"],
    ]
    write(os.path.join(a.out, "items.csv"),
          ["事项编号", "抽查事项", "抽查主体", "抽查依据", "抽查内容", "抽查方式", "事项类别", "检查要点", "责任主体"],
          items, a.encoding)
    print("wrote", a.targets, "targets,", a.inspectors, "inspectors,", len(items), "items to", a.out)


if __name__ == "__main__":
    main()
