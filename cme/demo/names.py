"""Curated name pools for the synthetic borough: people by name origin, nicknames, spelling variants, places."""

from dataclasses import dataclass

from cme.people import names as people_names

# Why curated pools and not Faker: the origin group of every generated name must be known, so that later
# record-linkage work can measure whether matching performs equally well for every group. Pools are kept
# modest (tens of names per group) and names are combined at random, so no real individual is described.


@dataclass(frozen=True, slots=True)
class NamePool:
    """Names of one origin group, and how families of that group tend to pass surnames on.

    `surname_style` is one of: "patrilineal" (children take the father's surname), "gendered" (Polish and other
    Eastern European feminine forms), "iberian" (Portuguese: mother's surname then father's), "sikh" (Singh and
    Kaur), "south_asian" (women often Begum or Bibi; some children take the father's given name), "somali" (the
    father's given name becomes the child's middle name; women keep their own names).
    """

    key: str
    origin: str
    weight: int  # relative share of the borough's households
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    ethnicity: tuple[tuple[str, int], ...]  # CBDS main code and relative weight: correlated, never determined
    middle_name_rate: float
    married_rate: float  # share of couples who are married rather than cohabiting
    wife_takes_name: float  # share of married women using the husband's surname
    surname_style: str = "patrilineal"
    adult_male: tuple[str, ...] = ()  # names of the parents' generation, where they differ from children's
    adult_female: tuple[str, ...] = ()


def _t(names: str) -> tuple[str, ...]:
    """Split a comma-separated list: keeps the pools below readable while allowing spaces inside a name."""
    return tuple(name.strip() for name in names.split(",") if name.strip())


# Labels for the `name_origin` values, for reports and fairness measurement.
ORIGINS: dict[str, str] = {
    "english": "English/British",
    "irish": "Irish",
    "polish": "Polish",
    "eastern_european": "Other Eastern European",
    "romanian": "Romanian/Roma",
    "pakistani": "Pakistani",
    "indian": "Indian",
    "bangladeshi": "Bangladeshi",
    "somali": "Somali",
    "west_african": "Nigerian/Ghanaian",
    "caribbean": "Caribbean",
    "arabic": "Arabic",
    "turkish": "Turkish",
    "chinese": "Chinese",
    "portuguese": "Portuguese",
}

# Broad heritage of each origin, used to give children of mixed couples a Mixed ethnicity code.
ORIGIN_HERITAGE: dict[str, str] = {
    "english": "white",
    "irish": "white",
    "polish": "white",
    "eastern_european": "white",
    "romanian": "white",
    "portuguese": "white",
    "turkish": "white",
    "pakistani": "asian",
    "indian": "asian",
    "bangladeshi": "asian",
    "chinese": "asian",
    "somali": "african",
    "west_african": "african",
    "caribbean": "caribbean",
    "arabic": "other",
}

POOLS: tuple[NamePool, ...] = (
    NamePool(
        key="english",
        origin="english",
        weight=440,
        male=_t(
            "Oliver, George, Harry, Jack, Jacob, Charlie, Thomas, James, William, Joshua, Alfie, Samuel, Daniel,"
            "Joseph, Benjamin, Edward, Henry, Oscar, Freddie, Archie, Leo, Theodore, Alexander, Matthew, Ryan,"
            "Lewis, Callum, Kieran, Liam, Jayden, Tyler, Mason, Noah, Ethan, Christopher, Michael, Robert,"
            "Frederick, Nicholas, Jonathan"
        ),
        female=_t(
            "Olivia, Amelia, Isla, Ava, Emily, Isabella, Mia, Poppy, Ella, Lily, Jessica, Sophie, Grace, Evie,"
            "Charlotte, Ruby, Chloe, Megan, Hannah, Lauren, Holly, Freya, Florence, Elizabeth, Margaret, Katherine,"
            "Rebecca, Victoria, Abigail, Eleanor, Zoë, Zoe, Amy, Bethany, Kayleigh, Jade"
        ),
        family=_t(
            "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, Thompson, Evans,"
            "Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, Hughes, Turner, Hill, Cooper, Ward, Harris,"
            "Morris, Moore, Lee, Baker, Cartwright, Fairbairn, Ashworth, Pickering, Whitfield, Holloway, Hargreaves,"
            "Sutcliffe, Ramsden, Bancroft"
        ),
        adult_male=_t(
            "David, Paul, Mark, Andrew, Stephen, Richard, Darren, Lee, Craig, Wayne, Gary, Jason, Carl, Neil,"
            "Simon, Matthew, Christopher, Daniel, James, Michael, Robert, Steven, Anthony, Dean, Scott"
        ),
        adult_female=_t(
            "Sarah, Emma, Laura, Gemma, Kelly, Claire, Nicola, Rachel, Hayley, Stacey, Lisa, Amanda, Donna,"
            "Joanne, Michelle, Rebecca, Katherine, Victoria, Margaret, Elizabeth, Charlotte, Jennifer, Louise"
        ),
        ethnicity=(("WBRI", 88), ("WOTH", 2), ("WIRI", 1), ("MWBC", 1), ("MOTH", 1), ("REFU", 2), ("NOBT", 5)),
        middle_name_rate=0.65,
        married_rate=0.55,
        wife_takes_name=0.85,
    ),
    NamePool(
        key="irish",
        origin="irish",
        weight=40,
        male=_t(
            "Seán, Sean, Ciarán, Cian, Oisín, Conor, Pádraig, Patrick, Eoin, Darragh, Liam, Niall, Ronan, Declan,"
            "Aidan, Fionn, Cillian, Tadhg, Dónal, Rory, Cormac, Killian, Michael, Eamon"
        ),
        female=_t(
            "Aoife, Siobhán, Niamh, Saoirse, Ciara, Orla, Róisín, Caoimhe, Aisling, Sinéad, Clodagh, Gráinne,"
            "Eimear, Sorcha, Áine, Bríd, Mairéad, Nuala, Maeve, Erin, Bridget, Mary, Kathleen"
        ),
        family=_t(
            "Murphy, Kelly, O'Sullivan, Walsh, O'Brien, Byrne, Ryan, O'Connor, O'Neill, O'Reilly, Doyle, McCarthy,"
            "Gallagher, Doherty, Kennedy, Lynch, Murray, Quinn, McLaughlin, Carroll, Connolly, Daly, Brennan,"
            "McDonagh, Joyce, Maughan, Connors"
        ),
        adult_male=_t("Patrick, Michael, John, Sean, Declan, Kevin, Brendan, Gerard, Martin, Thomas, Niall, Eamon"),
        adult_female=_t("Mary, Siobhan, Bridget, Catherine, Aoife, Niamh, Sinead, Deirdre, Maureen, Ciara, Orla"),
        ethnicity=(("WIRI", 55), ("WBRI", 25), ("WIRT", 10), ("WOTH", 2), ("MOTH", 2), ("NOBT", 6)),
        middle_name_rate=0.6,
        married_rate=0.6,
        wife_takes_name=0.8,
    ),
    NamePool(
        key="polish",
        origin="polish",
        weight=80,
        male=_t(
            "Jakub, Jan, Antoni, Szymon, Filip, Kacper, Aleksander, Franciszek, Mikołaj, Wojciech, Adam, Michał,"
            "Piotr, Krzysztof, Tomasz, Paweł, Łukasz, Lukasz, Mateusz, Bartosz, Dawid, Kamil, Marcin, Maciej, Oskar"
        ),
        female=_t(
            "Zuzanna, Julia, Maja, Zofia, Hanna, Lena, Alicja, Maria, Aleksandra, Oliwia, Natalia, Wiktoria, Amelia,"
            "Katarzyna, Agnieszka, Małgorzata, Magdalena, Joanna, Anna, Karolina, Weronika, Martyna, Paulina, Kinga"
        ),
        family=_t(
            "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak,"
            "Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, Krawczyk, Piotrowski, Grabowski, Nowakowski,"
            "Pawłowski, Michalski, Adamczyk, Dudek, Zając, Wieczorek, Jabłoński, Król, Majewski, Wisniewski"
        ),
        ethnicity=(("WOTH", 88), ("WBRI", 2), ("MOTH", 2), ("REFU", 2), ("NOBT", 6)),
        middle_name_rate=0.2,
        married_rate=0.7,
        wife_takes_name=0.9,
        surname_style="gendered",
    ),
    NamePool(
        key="eastern_european",
        origin="eastern_european",
        weight=40,
        male=_t(
            "Lukas, Matas, Jonas, Dominykas, Nojus, Mantas, Tomas, Darius, Andris, Janis, Georgi, Ivan, Dimitar,"
            "Nikolai, Martin, Marek, Oleksandr, Dmytro, Andriy, Andrii, Maksym, Artem, Bohdan"
        ),
        female=_t(
            "Emilija, Gabija, Austėja, Ugnė, Ieva, Kamilė, Rūta, Laura, Elina, Alise, Viktorija, Sofiya, Mariya,"
            "Olena, Iryna, Daria, Yana, Desislava, Petya, Elena, Simona, Tereza, Veronika, Oleksandra"
        ),
        family=_t(
            "Kazlauskas, Jankauskas, Petrauskas, Stankevičius, Vasiliauskas, Žukauskas, Butkus, Paulauskas, Bērziņš,"
            "Kalniņš, Ozols, Ivanov, Petrov, Georgiev, Dimitrov, Nikolov, Horváth, Kováč, Novák, Tóth, Kovalenko,"
            "Shevchenko, Bondarenko, Tkachenko, Melnyk, Kravchenko"
        ),
        ethnicity=(("WOTH", 84), ("WROM", 4), ("MOTH", 2), ("REFU", 3), ("NOBT", 7)),
        middle_name_rate=0.15,
        married_rate=0.7,
        wife_takes_name=0.9,
        surname_style="gendered",
    ),
    NamePool(
        key="romanian",
        origin="romanian",
        weight=50,
        male=_t(
            "Andrei, Alexandru, Ionuț, Ionut, Ștefan, Stefan, Mihai, Gabriel, Florin, Cristian, Marius, Adrian,"
            "Bogdan, Daniel, David, Luca, Matei, Darius, Denis, Robert, Nicolae, Gheorghe, Vasile, Sorin"
        ),
        female=_t(
            "Maria, Ioana, Elena, Andreea, Alexandra, Bianca, Denisa, Daria, Ana, Sofia, Antonia, Gabriela, Mihaela,"
            "Florentina, Roxana, Alina, Nicoleta, Larisa, Rebeca, Sara, Mădălina, Madalina, Loredana, Ramona"
        ),
        family=_t(
            "Popescu, Ionescu, Popa, Pop, Radu, Dumitru, Stoica, Stan, Gheorghe, Matei, Ciobanu, Rusu, Munteanu,"
            "Constantin, Marin, Lungu, Moldovan, Dinu, Stănescu, Lăcătuș, Lacatus, Căldăraru, Rădulescu, Zamfir,"
            "Barbu, Oprea, Sârbu"
        ),
        ethnicity=(("WOTH", 55), ("WROM", 36), ("MOTH", 1), ("REFU", 2), ("NOBT", 6)),
        middle_name_rate=0.35,
        married_rate=0.65,
        wife_takes_name=0.9,
    ),
    NamePool(
        key="pakistani",
        origin="pakistani",
        weight=80,
        male=_t(
            "Muhammad, Mohammed, Mohammad, Ali, Hamza, Ibrahim, Zain, Ayaan, Rayyan, Abdullah, Yusuf, Umar, Usman,"
            "Bilal, Hassan, Hussain, Haris, Zakariya, Zakaria, Musa, Imran, Adnan, Faisal, Shahid, Tariq, Asif"
        ),
        female=_t(
            "Aisha, Ayesha, Maryam, Fatima, Zainab, Hafsa, Khadija, Amina, Inaaya, Inaya, Aleena, Anaya, Hania, Zara,"
            "Mahnoor, Iqra, Sana, Noor, Saima, Nazia, Rabia, Samina, Shazia, Sadia, Hira, Eman"
        ),
        family=_t(
            "Khan, Hussain, Ahmed, Ali, Akhtar, Iqbal, Mahmood, Butt, Qureshi, Malik, Shah, Rashid, Raja, Chaudhry,"
            "Chaudhary, Mirza, Javed, Aslam, Riaz, Sheikh, Bashir, Anwar, Yousaf, Nawaz, Rehman, Siddiqui"
        ),
        ethnicity=(("APKN", 86), ("AOTH", 4), ("MWAS", 1), ("MOTH", 1), ("REFU", 2), ("NOBT", 6)),
        middle_name_rate=0.55,
        married_rate=0.95,
        wife_takes_name=0.6,
        surname_style="south_asian",
    ),
    NamePool(
        key="indian",
        origin="indian",
        weight=35,
        male=_t(
            "Arjun, Aarav, Rohan, Vivaan, Aditya, Krishna, Dev, Arnav, Reyansh, Ishaan, Rahul, Vikram, Sanjay,"
            "Rajesh, Amit, Ravi, Suresh, Ajay, Nikhil, Kiran, Hari, Yash"
        ),
        female=_t(
            "Priya, Ananya, Diya, Aanya, Saanvi, Anika, Isha, Kavya, Riya, Meera, Pooja, Neha, Lakshmi, Sunita,"
            "Anjali, Divya, Shreya, Tanvi, Nisha, Kiran, Asha"
        ),
        family=_t(
            "Patel, Sharma, Gupta, Shah, Mistry, Parmar, Chauhan, Kumar, Joshi, Mehta, Desai, Pandya, Solanki, Rana,"
            "Thakkar, Reddy, Nair, Pillai, Iyer, Lad, Chavda"
        ),
        ethnicity=(("AIND", 86), ("AOTH", 5), ("MWAS", 2), ("REFU", 2), ("NOBT", 5)),
        middle_name_rate=0.35,
        married_rate=0.95,
        wife_takes_name=0.9,
    ),
    NamePool(
        key="punjabi",
        origin="indian",
        weight=20,
        male=_t(
            "Harpreet, Gurpreet, Jaspreet, Manpreet, Harjit, Jaskaran, Gurdeep, Kuldeep, Amrit, Arjan, Ranveer,"
            "Sukhdeep, Tejinder, Balvinder, Navdeep"
        ),
        female=_t(
            "Simran, Navneet, Harleen, Jasleen, Parminder, Amrit, Gurleen, Manpreet, Rajvinder, Sukhpreet, Jasmeet,"
            "Harpreet, Kiranjit, Amandeep"
        ),
        family=_t("Sandhu, Gill, Dhillon, Sidhu, Bains, Grewal, Sangha, Johal, Atwal, Bhamra, Kang, Dhaliwal"),
        ethnicity=(("AIND", 88), ("AOTH", 4), ("MWAS", 1), ("REFU", 2), ("NOBT", 5)),
        middle_name_rate=0.0,  # the Singh or Kaur middle name is added by the surname style instead
        married_rate=0.95,
        wife_takes_name=0.8,
        surname_style="sikh",
    ),
    NamePool(
        key="bangladeshi",
        origin="bangladeshi",
        weight=40,
        male=_t(
            "Mohammed, Md, Mohammad, Abdul, Rahim, Karim, Aminul, Shahin, Jamal, Ruhel, Sohel, Tanvir, Rayhan, Arif,"
            "Mahfuz, Nayeem, Ibrahim, Ismail, Yahya, Zakir, Rashed, Faruk, Habib, Rakib, Shafiq"
        ),
        female=_t(
            "Fatema, Nusrat, Tasnim, Sumaiya, Jannat, Sadia, Farzana, Shamima, Rukhsana, Nazma, Rahima, Salma,"
            "Taslima, Sharmin, Ruma, Shirin, Mahmuda, Afsana, Rokeya, Nadia, Lamia, Tahmina, Nafisa, Khadiza"
        ),
        family=_t(
            "Miah, Meah, Ahmed, Uddin, Rahman, Islam, Hussain, Hossain, Hoque, Haque, Chowdhury, Choudhury, Ali,"
            "Alam, Sarkar, Talukder, Mollah, Sheikh, Bhuiyan, Karim, Rashid, Ullah, Kabir"
        ),
        ethnicity=(("ABAN", 88), ("AOTH", 4), ("MOTH", 1), ("REFU", 2), ("NOBT", 5)),
        middle_name_rate=0.45,
        married_rate=0.95,
        wife_takes_name=0.5,
        surname_style="south_asian",
    ),
    NamePool(
        key="somali",
        origin="somali",
        weight=30,
        male=_t(
            "Abdi, Abdirahman, Abdullahi, Mohamed, Ahmed, Hassan, Hussein, Ali, Omar, Yusuf, Ismail, Ibrahim,"
            "Abdikarim, Abdiaziz, Farah, Mukhtar, Liban, Guled, Mahad, Khalid, Bashir, Nuur, Said, Osman, Mohamud"
        ),
        female=_t(
            "Hodan, Sahra, Fadumo, Hibo, Ayan, Hamdi, Ifrah, Amran, Nasra, Ubah, Hawa, Hawo, Deeqa, Muna, Naima,"
            "Sagal, Ikran, Hafsa, Khadra, Faiza, Idil, Salma, Sumaya, Maryan, Yasmin"
        ),
        family=_t(
            "Mohamed, Ahmed, Hassan, Ali, Abdi, Omar, Farah, Warsame, Jama, Hussein, Osman, Yusuf, Ismail, Aden,"
            "Egal, Dahir, Nur, Elmi, Mohamud, Abdullahi, Abdillahi, Duale, Hersi, Gedi, Shire, Awale"
        ),
        ethnicity=(("BAFR", 76), ("BOTH", 14), ("OOTH", 2), ("REFU", 2), ("NOBT", 6)),
        middle_name_rate=0.1,
        married_rate=0.9,
        wife_takes_name=0.0,
        surname_style="somali",
    ),
    NamePool(
        key="west_african",
        origin="west_african",
        weight=50,
        male=_t(
            "Oluwaseun, Oluwatobi, Adebayo, Chukwuemeka, Chinedu, Emeka, Babatunde, Olumide, Ayodele, Femi, Kwame,"
            "Kwabena, Kofi, Kwaku, Kweku, Kojo, Kwadwo, Daniel, David, Samuel, Emmanuel, Joshua, Victor, Godwin,"
            "Ikechukwu, Obinna"
        ),
        female=_t(
            "Chidinma, Adaeze, Ngozi, Chiamaka, Oluwafunmilayo, Temitope, Folake, Ayomide, Abimbola, Adwoa, Akosua,"
            "Ama, Abena, Efua, Esi, Blessing, Favour, Precious, Deborah, Esther, Grace, Joy, Mercy, Comfort"
        ),
        family=_t(
            "Adeyemi, Okafor, Okonkwo, Adebayo, Oladipo, Ogunleye, Olawale, Eze, Nwosu, Obi, Okeke, Chukwu, Afolabi,"
            "Balogun, Bello, Adeleke, Mensah, Owusu, Asante, Boateng, Osei, Appiah, Agyeman, Acheampong, Darko,"
            "Amoah, Ofori"
        ),
        ethnicity=(("BAFR", 86), ("BOTH", 3), ("MWBA", 2), ("MOTH", 1), ("REFU", 2), ("NOBT", 6)),
        middle_name_rate=0.75,
        married_rate=0.8,
        wife_takes_name=0.9,
    ),
    NamePool(
        key="caribbean",
        origin="caribbean",
        weight=40,
        male=_t(
            "Tyrone, Jermaine, Marcus, Dwayne, Andre, Leon, Kyle, Jerome, Nathaniel, Isaiah, Elijah, Malachi,"
            "Josiah, Reuben, Kai, Tyrese, Jaden, Kemar, Devon, Romario, Shane, Nathan"
        ),
        female=_t(
            "Shanice, Tianna, Chantelle, Shantelle, Jade, Aaliyah, Aliyah, Keisha, Tia-Marie, Kayla, Imani, Amara,"
            "Nia, Jasmine, Naomi, Simone, Kerry-Ann, Renée, Renee, Tamika, Zion"
        ),
        family=_t(
            "Campbell, Brown, Williams, Thompson, Johnson, Clarke, Robinson, Francis, Grant, Reid, Henry, Lewis,"
            "Bailey, Gordon, Morgan, Stewart, Blake, Edwards, Samuels, Richards, Anderson, Bennett, Forbes, Powell,"
            "Gayle, McKenzie, Wallace"
        ),
        adult_male=_t("Delroy, Winston, Lloyd, Courtney, Dion, Errol, Clive, Trevor, Marlon, Andre, Jermaine, Leroy"),
        adult_female=_t(
            "Marcia, Sonia, Beverley, Paulette, Jenelle, Latoya, Simone, Sharon, Donna, Charmaine, Keisha, Yvonne"
        ),
        ethnicity=(("BCRB", 66), ("MWBC", 16), ("BOTH", 7), ("MOTH", 2), ("REFU", 3), ("NOBT", 6)),
        middle_name_rate=0.55,
        married_rate=0.4,
        wife_takes_name=0.85,
    ),
    NamePool(
        key="arabic",
        origin="arabic",
        weight=20,
        male=_t(
            "Mohammed, Mohamed, Ahmad, Omar, Khalid, Khaled, Youssef, Yousef, Hamza, Ali, Hassan, Karim, Tariq, Zaid,"
            "Mustafa, Mostafa, Ibrahim, Adam, Yahya, Ammar, Bilal, Sami, Nabil, Walid, Rami, Majid, Amir"
        ),
        female=_t(
            "Fatima, Layla, Leila, Nour, Mariam, Aya, Salma, Huda, Rania, Amira, Yasmine, Lina, Hana, Reem, Dana,"
            "Zainab, Zeinab, Sara, Maha, Noura, Jana, Malak, Heba, Dalia, Iman, Sahar"
        ),
        family=_t(
            "Al-Hassan, Al-Sayed, El-Sayed, Haddad, Mansour, Nasser, Saleh, Hamdan, Ibrahim, Khalil, Mahmoud,"
            "Othman, Abdallah, Abdullah, Aziz, Farouk, Hashem, Jaber, Khoury, Najjar, Shami, Al-Amin, Hamad, Qasim,"
            "Suleiman, Darwish, Yassin, Al-Rashid"
        ),
        ethnicity=(("OOTH", 55), ("AOTH", 10), ("WOTH", 10), ("BOTH", 4), ("MOTH", 5), ("REFU", 5), ("NOBT", 11)),
        middle_name_rate=0.3,
        married_rate=0.95,
        wife_takes_name=0.3,
    ),
    NamePool(
        key="turkish",
        origin="turkish",
        weight=20,
        male=_t(
            "Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Huseyin, Hasan, İbrahim, Yusuf, Emre, Burak, Can, Deniz, Kerem,"
            "Eren, Arda, Efe, Yiğit, Berat, Ömer, Omer, Murat, Serkan, Kemal, Baran, Umut"
        ),
        female=_t(
            "Zeynep, Elif, Ayşe, Fatma, Emine, Hatice, Merve, Büşra, Esra, Defne, Ecem, Ela, Asya, Azra, Nehir,"
            "Duru, Selin, Gül, Leyla, Yasemin, Derya, Melek, Dilara, Aylin, Berfin, Deniz"
        ),
        family=_t(
            "Yılmaz, Yilmaz, Kaya, Demir, Şahin, Sahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan,"
            "Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Güneş, Akın, Tekin"
        ),
        ethnicity=(("WOTH", 70), ("OOTH", 12), ("MOTH", 3), ("REFU", 5), ("NOBT", 10)),
        middle_name_rate=0.25,
        married_rate=0.9,
        wife_takes_name=0.9,
    ),
    NamePool(
        key="chinese",
        origin="chinese",
        weight=20,
        male=_t(
            "Haoran, Hao Ran, Yuxuan, Junjie, Jiahao, Yichen, Zhiwei, Wei, Jun, Ming, Tao, Bowen, Tianyu, Zimo, Hao,"
            "Jian, Kai, Zeyu, Muchen, Jinhao, Siyuan, Minghao, Wenbo, Zihan"
        ),
        female=_t(
            "Xinyi, Xin Yi, Jiayi, Yutong, Ruoxi, Siyu, Xiaoyu, Meilin, Yiran, Zihan, Zi Han, Yue, Lan, Mei, Ling,"
            "Jing, Xue, Hui, Qian, Ying, Wenjing, Yuxi, Jingyi, Mengyao"
        ),
        family=_t(
            "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He, Lin, Zheng,"
            "Chan, Wong, Lee, Cheung, Ng, Lau, Ho, Lam, Cheng, Leung, Tang, Kwok, Tsang, Chow"
        ),
        ethnicity=(("CHNE", 86), ("AOTH", 4), ("MWAS", 3), ("MOTH", 1), ("REFU", 2), ("NOBT", 4)),
        middle_name_rate=0.05,
        married_rate=0.9,
        wife_takes_name=0.1,
    ),
    NamePool(
        key="portuguese",
        origin="portuguese",
        weight=30,
        male=_t(
            "João, Joao, Francisco, Santiago, Afonso, Tomás, Duarte, Rodrigo, Martim, Gonçalo, Miguel, Pedro, Diogo,"
            "Rafael, Gabriel, Tiago, Lucas, Guilherme, Vasco, José, António, Manuel, Rui, Nuno, Bruno, Ricardo"
        ),
        female=_t(
            "Maria, Leonor, Matilde, Beatriz, Carolina, Mariana, Ana, Inês, Ines, Francisca, Margarida, Sofia, Lara,"
            "Alice, Clara, Joana, Catarina, Rita, Sara, Luana, Yara, Vitória, Camila, Raquel, Teresa"
        ),
        family=_t(
            "Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Jesus, Sousa, Fernandes,"
            "Gonçalves, Goncalves, Gomes, Lopes, Marques, Alves, Almeida, Ribeiro, Pinto, Carvalho, Teixeira,"
            "Moreira, Correia, Mendes, Nunes, da Silva, dos Santos, de Sousa"
        ),
        ethnicity=(("WOTH", 80), ("MOTH", 5), ("BAFR", 3), ("BOTH", 1), ("WBRI", 2), ("REFU", 3), ("NOBT", 6)),
        middle_name_rate=0.6,
        married_rate=0.6,
        wife_takes_name=0.3,  # Portuguese women usually keep their names; some add the husband's last surname
        surname_style="iberian",
    ),
)

POOLS_BY_KEY: dict[str, NamePool] = {pool.key: pool for pool in POOLS}

# English names that Chinese families in England often choose as a child's known-as name.
ENGLISH_KNOWN_AS: dict[str, tuple[str, ...]] = {
    "M": _t("Kevin, Jason, Eric, Tony, Michael, Alan, Jack, Leo, Max, William, Daniel"),
    "F": _t("Lily, Grace, Amy, Vivian, Cindy, Emily, Chloe, Crystal, Jenny, Alice, Sophie"),
}

# Known-as forms and spelling variants are the people app's name knowledge (cme.people.names), which search and
# record linkage use too. The generator gives nicknames only to names in its pools, so it takes those entries.
_POOL_NAMES = frozenset(n for pool in POOLS for n in (*pool.male, *pool.female, *pool.adult_male, *pool.adult_female))
NICKNAMES: dict[str, tuple[str, ...]] = {
    formal: forms for formal, forms in people_names.NICKNAMES.items() if formal in _POOL_NAMES
}
TRANSLITERATIONS: list[frozenset[str]] = people_names.TRANSLITERATIONS

# Feminine and, for Lithuanian, married and unmarried women's forms of gendered surnames. Polish -ski/-cki
# forms follow a rule (see feminine_surname) and need no entry here.
_FEMININE_SURNAMES: dict[str, tuple[str, str]] = {
    "Kazlauskas": ("Kazlauskienė", "Kazlauskaitė"),
    "Jankauskas": ("Jankauskienė", "Jankauskaitė"),
    "Petrauskas": ("Petrauskienė", "Petrauskaitė"),
    "Stankevičius": ("Stankevičienė", "Stankevičiūtė"),
    "Vasiliauskas": ("Vasiliauskienė", "Vasiliauskaitė"),
    "Žukauskas": ("Žukauskienė", "Žukauskaitė"),
    "Butkus": ("Butkienė", "Butkutė"),
    "Paulauskas": ("Paulauskienė", "Paulauskaitė"),
    "Bērziņš": ("Bērziņa", "Bērziņa"),
    "Kalniņš": ("Kalniņa", "Kalniņa"),
    "Ozols": ("Ozola", "Ozola"),
    "Ivanov": ("Ivanova", "Ivanova"),
    "Petrov": ("Petrova", "Petrova"),
    "Georgiev": ("Georgieva", "Georgieva"),
    "Dimitrov": ("Dimitrova", "Dimitrova"),
    "Nikolov": ("Nikolova", "Nikolova"),
    "Horváth": ("Horváthová", "Horváthová"),
    "Kováč": ("Kováčová", "Kováčová"),
    "Novák": ("Nováková", "Nováková"),
    "Tóth": ("Tóthová", "Tóthová"),
}


def feminine_surname(surname: str, *, married: bool) -> str:
    """Return the form of a gendered (Polish, Lithuanian, Latvian, Bulgarian, Slovak) surname a woman uses.

    >>> feminine_surname("Kowalski", married=False), feminine_surname("Kazlauskas", married=True)
    ('Kowalska', 'Kazlauskienė')
    """
    if surname in _FEMININE_SURNAMES:
        married_form, unmarried_form = _FEMININE_SURNAMES[surname]
        return married_form if married else unmarried_form
    if surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


# Fictional places of the borough: district localities and the stems of school names.
TOWN = "Wyndley"
LOCALITIES: tuple[str, ...] = _t(
    "Ashcombe, Brindleford, Copley Vale, Dunmere, Fennick, Gorsey Bank, Hollins End, Kettlewick, Marlow Heath"
)
SCHOOL_PLACES: tuple[str, ...] = _t(
    "Ashcombe, Brindleford, Copley Vale, Dunmere, Fennick, Gorsey Bank, Hollins End, Kettlewick, Marlow Heath,"
    "Wyndley Park, Oakfield Lane, Larkspur, Millbrook, Thornbury Rise, Redgate, Sandy Lane, Westcroft, Highfield Road,"
    "Hazel Grove, Kingsmead, Orchard Vale, Tanners Brook, Elmwood, Birchfield, Foxhollow, Stonecross, Meadowbank,"
    "Ravenscliffe, Greystone, Willowdene, Cherry Tree, Beechcroft, Harrowby, Appleton Green, Norbury Fields"
)
SAINTS: tuple[str, ...] = _t(
    "Mary, Joseph, Peter, Paul, Anne, Bede, Chad, Hilda, Oswald, Cuthbert, Wilfrid, Margaret, Michael, John, Luke,"
    "Mark, Bernadette, Augustine, Edmund, Alban, Columba, Brigid, Francis, Patrick, Teresa, Andrew, Catherine"
)

# Street names are a stem and a suffix; the combinations are invented and sit in an invented town and postcode area.
STREET_STEMS: tuple[str, ...] = _t(
    "Larkspur, Mercer, Tanner, Cooper, Fletcher, Wheelwright, Chandler, Thatcher, Weaver, Draper, Farrier, Bramble,"
    "Heather, Foxglove, Primrose, Bluebell, Hawthorn, Rowan, Alder, Hazel, Linden, Sycamore, Juniper, Holly,"
    "Kestrel, Merlin, Heron, Curlew, Plover, Wren, Linnet, Swallow, Martin, Finch, Siskin, Goldcrest, Ashcombe,"
    "Brindle, Copley, Dunmere, Fennick, Gorsey, Hollins, Kettle, Marlow, Wyndley, Oakfield, Millbrook, Thornbury,"
    "Redgate, Westcroft, Highfield, Kingsmead, Orchard, Elmwood, Birchfield, Stonecross, Meadowbank, Ravens,"
    "Greystone, Willowdene, Beechcroft, Harrowby, Appleton, Norbury, Canal, Station, Chapel, Mill, School, Church,"
    "Quarry, Tannery, Foundry, Brewery, Ropewalk, Forge, Kiln, Granary, Orchardson, Pennine, Calder, Aire"
)
STREET_SUFFIXES: tuple[str, ...] = _t(
    "Road, Street, Lane, Avenue, Close, Drive, Way, Grove, Crescent, Gardens, Terrace, Court, Place, Rise, View, Walk"
)
BUILDING_SUFFIXES: tuple[str, ...] = _t("House, Court, Heights, Point, Lodge, Mansions")
HOUSE_NAMES: tuple[str, ...] = _t(
    "Rose Cottage, The Old Forge, Hillcrest, Fairview, The Willows, Orchard House, The Laurels, Ivy Cottage,"
    "The Old School House, Meadow View, Brook House, The Coach House"
)
