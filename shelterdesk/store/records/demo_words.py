"""The words of the demo data per language: names, organisations, shelters, rooms, notes.

A Russian screen filled with Azerbaijani rooms and English notes does not show what
the program looks like to a Russian-speaking worker; each language gets its own.
Names of real bodies are their official ones (the Ministry's department is the
state's counterpart on every referral).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoWords:
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    feminine_suffix: str  # Məmmədov → Məmmədova, Иванов → Иванова
    organisations: tuple[tuple[str, str, tuple[str, ...]], ...]
    contact_person: str
    shelters: tuple[str, ...]
    address: str
    room: str  # "{number}"
    bed: str
    notes: tuple[str, ...]
    legal_summary: str
    medical_summary: str


AZ_FEMALE = ("Aynur", "Leyla", "Gülnar", "Səbinə", "Nərmin", "Aysel", "Günay", "Xədicə",
             "Şəbnəm", "Lalə", "Nigar", "Könül", "Ülviyyə", "Türkan", "Fidan", "Zəhra")
AZ_MALE = ("Elvin", "Rəşad", "Orxan", "Tural", "Vüqar", "Kamran", "Şahin", "İlqar", "Murad")
AZ_FAMILY = ("Məmmədov", "Əliyev", "Hüseynov", "Həsənov", "Quliyev", "İsmayılov", "Cəfərov",
             "Rzayev", "Abbasov", "Kərimov", "Süleymanov", "Babayev", "Nəsirov", "Qasımov")
RU_FEMALE = ("Наталья", "Ольга", "Екатерина", "Анна", "Мария", "Светлана", "Ирина", "Юлия",
             "Татьяна", "Елена", "Дарья", "Алина")
RU_MALE = ("Алексей", "Дмитрий", "Сергей", "Иван", "Андрей", "Максим")
RU_FAMILY = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Гусейнов", "Мамедов", "Алиев",
             "Петров", "Соколов", "Новиков", "Морозов")

AZ_ORGANISATIONS = (
    ("Təmiz Həyat İctimai Birliyi", "ngo", ("shelter", "psychosocial", "reintegration")),
    ("Hüquqi Yardım Mərkəzi", "ngo", ("legal", "documents")),
    ("Sağlam Gələcək Klinikası", "ngo", ("medical", "psychosocial")),
    # The official name (Presidential decree of 2004 establishing the department).
    ("Azərbaycan Respublikası Daxili İşlər Nazirliyinin İnsan alverinə qarşı mübarizə "
     "idarəsi", "state", ("legal",)),
    ("Azərbaycan Respublikasının Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi", "state",
     ("financial", "vocational")),
    ("Peşə Təhsili Mərkəzi", "ngo", ("vocational", "education")),
    ("Beynəlxalq Miqrasiya Təşkilatı (IOM) Bakı", "international",
     ("return", "reintegration", "interpretation", "family_tracing")),
    ("Qadın Təşəbbüsləri Assosiasiyası", "ngo", ("shelter", "legal", "psychosocial")),
)
RU_ORGANISATIONS = (
    ("Общественное объединение «Чистая жизнь»", "ngo",
     ("shelter", "psychosocial", "reintegration")),
    ("Центр правовой помощи", "ngo", ("legal", "documents")),
    ("Клиника «Здоровое будущее»", "ngo", ("medical", "psychosocial")),
    ("Управление по борьбе с торговлей людьми Министерства внутренних дел Азербайджанской "
     "Республики", "state", ("legal",)),
    ("Министерство труда и социальной защиты населения Азербайджанской Республики", "state",
     ("financial", "vocational")),
    ("Центр профессионального образования", "ngo", ("vocational", "education")),
    ("Международная организация по миграции (МОМ), Баку", "international",
     ("return", "reintegration", "interpretation", "family_tracing")),
    ("Ассоциация женских инициатив", "ngo", ("shelter", "legal", "psychosocial")),
)

WORDS: dict[str, DemoWords] = {
    "az": DemoWords(
        AZ_FEMALE, AZ_MALE, AZ_FAMILY, "a", AZ_ORGANISATIONS, "Koordinator",
        ("Ümid evi", "Sığınacaq Şimal"), "Ünvan gizlidir", "Otaq {number}",
        "Çarpayı {number}",
        ("Qadın tərcüməçi istəyir.", "Gəncədəki ailəsi ilə əlaqə saxlanıldı.",
         "Pasportun yenilənməsində köməyə ehtiyacı var.",
         "Dubayda ofisiant işi üçün Instagram elanı ilə cəlb edilib.",
         "Cəlb edən şəxslə Tinder-də tanış olub."),
        "Məsləhətin qeydləri.", "Müayinə olunub."),
    "ru": DemoWords(
        RU_FEMALE, RU_MALE, RU_FAMILY, "а", RU_ORGANISATIONS, "Координатор",
        ("Дом надежды", "Приют «Север»"), "Адрес не раскрывается", "Комната {number}",
        "Кровать {number}",
        ("Просит переводчицу-женщину.", "Связались с семьёй в Гяндже.",
         "Нужна помощь с продлением паспорта.",
         "Завербована через объявление в Instagram о работе официанткой в Дубае.",
         "Познакомилась с вербовщиком в Tinder."),
        "Записи консультации.", "Осмотрена."),
}
# English screens show the Azerbaijani names of people and bodies (proper nouns of a
# shelter in Baku) with English notes.
WORDS["en"] = DemoWords(
    AZ_FEMALE, AZ_MALE, AZ_FAMILY, "a", AZ_ORGANISATIONS, "Coordinator",
    ("Ümid evi", "Sığınacaq Şimal"), "Address withheld", "Room {number}", "Bed {number}",
    ("Prefers a female interpreter.", "Contacted family in Ganja.",
     "Needs help with passport renewal.", "Recruited through an Instagram job advert for "
     "waitress work in Dubai.", "Met recruiter on Tinder."),
    "Consultation notes.", "Seen.")


def words_for(language: str) -> DemoWords:
    return WORDS.get(language, WORDS["az"])
